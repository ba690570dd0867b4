// The screen of a session: live from its host; after the end from the frame the
// host saved; if the host died without one, by replaying output.log.
import type { Ctx } from '../context.ts';
import { LooopError, isLooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import { readIfExists } from '../store/fsio.ts';
import { readSession } from '../sessions/fleet.ts';
import { formatFrame, type Frame, type ShotFormat, type ShotSource } from '../sessions/frame.ts';
import { replayFrame } from '../sessions/replay.ts';
import { hostRequest } from '../sessions/requestClient.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';

export interface ShotResult {
  readonly source: ShotSource;
  readonly output: string | Record<string, unknown>;
}

function isFrame(o: unknown): o is Frame {
  if (typeof o !== 'object' || o === null) return false;
  const f = o as Record<string, unknown>;
  return typeof f.cols === 'number' && typeof f.rows === 'number' && Array.isArray(f.lines) && Array.isArray(f.ansi) && typeof f.cursor === 'object';
}

function savedFrame(file: string): Frame | null {
  const bytes = readIfExists(file);
  if (bytes === null) return null;
  try {
    const o: unknown = JSON.parse(bytes.toString('utf8'));
    return isFrame(o) ? o : null;
  } catch {
    return null; // a torn or hand-edited frame: the replay is the truth
  }
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
  const files = sessionFiles(ctx.paths, id);
  const saved = savedFrame(files.screenFinal);
  if (saved !== null) return { frame: saved, source: 'final' };
  return { frame: await replayFrame(files, { cols: r.envelope.context.cols, rows: r.envelope.context.rows }, withCells), source: 'replay' };
}

export async function runScreenshot(ctx: Ctx, id: string, format: ShotFormat, trim: boolean): Promise<ShotResult> {
  const { frame, source } = await frameOf(ctx, id, format === 'json');
  return { source, output: formatFrame(frame, format, trim, source) };
}
