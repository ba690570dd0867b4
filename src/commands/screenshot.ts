// The screen of a session: live from its host; after the end from the frame the
// host saved; if the host died without one, by replaying output.log.
import type { Ctx } from '../context.ts';
import { LooopError, isLooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import { readSession } from '../sessions/fleet.ts';
import { formatFrame, type Frame, type ShotFormat, type ShotSource } from '../sessions/frame.ts';
import { endedFrame, isFrame } from '../sessions/endedFrame.ts';
import { hostRequest } from '../sessions/requestClient.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';

export interface ShotResult {
  readonly source: ShotSource;
  readonly output: string | Record<string, unknown>;
}

export async function frameOf(ctx: Ctx, id: string, withCells: boolean): Promise<{ frame: Frame; source: ShotSource }> {
  validateId('session id', id);
  const r = readSession(ctx, id);
  if (r.kind === 'absent') throw new LooopError('NOT_FOUND', `screenshot ${id}: no such session`, { hint: 'list sessions with: looop worker list -a' });
  if (r.info.alive && r.info.state === 'running') {
    try {
      const f = await hostRequest(ctx, id, { op: 'screenshot', detail: withCells ? 'full' : 'plain' }, 'screenshot');
      if (isFrame(f)) return { frame: f, source: 'live' };
    } catch (e) {
      // The session ended meanwhile, or the host is stuck: the files still tell.
      if (!isLooopError(e)) throw e;
    }
  }
  return endedFrame(sessionFiles(ctx.paths, id), { cols: r.envelope.context.cols, rows: r.envelope.context.rows }, withCells);
}

export async function runScreenshot(ctx: Ctx, id: string, format: ShotFormat, trim: boolean): Promise<ShotResult> {
  const { frame, source } = await frameOf(ctx, id, format === 'json');
  return { source, output: formatFrame(frame, format, trim, source) };
}
