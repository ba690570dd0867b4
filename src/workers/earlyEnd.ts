// A worker that ends within its first second did not start in any useful sense:
// a bad flag, a missing key, a crash. `worker start` watches the session record
// for that long (woken by the record's change, bounded by the deadline) and, if it
// ended, hands back how it ended and the last lines of its screen.
import type { Ctx } from '../context.ts';
import type { SessionContext } from '../../machines/sessionTypes.ts';
import type { Envelope } from '../store/envelope.ts';
import { waitForDirChange } from '../store/dirChange.ts';
import { readSession, type SessionInfo } from '../sessions/fleet.ts';
import { trimmedRowCount } from '../sessions/frame.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';
import { endedHealth, type EndedHealth } from './health.ts';

export interface EarlyEnd {
  readonly state: string;
  readonly health: EndedHealth;
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Why the session ended abnormally (e.g. the command could not be spawned). */
  readonly reason: string | null;
  /** The last non-blank rows of its final screen. */
  readonly screen: readonly string[];
}

const SCREEN_LINES = 6;

function ended(ctx: Ctx, id: string): { info: SessionInfo; envelope: Envelope<SessionContext> } | null {
  let r;
  try {
    r = readSession(ctx, id);
  } catch {
    return null; // unreadable mid-way: not evidence of an end
  }
  if (r.kind !== 'ok' || r.info.alive) return null;
  return { info: r.info, envelope: r.envelope };
}

/** How `state`/`exitCode`/`signal` read to a person: `exit 127`, `killed by SIGSEGV`, `killed`. */
export function describeEnd(e: Pick<EarlyEnd, 'state' | 'exitCode' | 'signal' | 'reason'>): string {
  if (e.state === 'killed') return 'killed';
  if (e.state === 'dead') return 'its session host vanished';
  if (e.exitCode !== null) return `exit ${e.exitCode}`;
  if (e.signal !== null) return `killed by ${e.signal}`;
  return e.reason === null ? 'ended' : `could not start: ${e.reason}`;
}

/**
 * Watches session `id` until `windowMs` after its child started. Null when it is
 * still running then; otherwise how it ended. A window of 0 skips the watch.
 */
export async function watchEarlyEnd(ctx: Ctx, id: string, started: Envelope<SessionContext>, windowMs: number): Promise<EarlyEnd | null> {
  // A window of 0 means no watch at all, even when the worker already ended before we look.
  if (windowMs <= 0) return null;
  const files = sessionFiles(ctx.paths, id);
  if (started.state === 'running') {
    const since = Date.parse(started.context.startedAt ?? started.context.createdAt);
    const left = windowMs - (ctx.now().getTime() - (Number.isNaN(since) ? ctx.now().getTime() : since));
    if (left > 0) await waitForDirChange(files.dir, left, { name: 'session.json', until: () => ended(ctx, id) !== null });
  }
  return sessionEnd(ctx, id);
}

/** How session `id` ended and the last lines of its screen; null while it runs. */
export async function sessionEnd(ctx: Ctx, id: string): Promise<EarlyEnd | null> {
  const files = sessionFiles(ctx.paths, id);
  const end = ended(ctx, id);
  if (end === null) return null;
  const { info, envelope } = end;
  // The host saves the final screen before it records the end, so it is there to read.
  // Loaded only now: the terminal emulator behind a replay stays out of every start that runs.
  const { endedFrame } = await import('../sessions/endedFrame.ts');
  const { frame } = await endedFrame(files, { cols: info.cols, rows: info.rows }, false);
  const rows = frame.lines.slice(0, trimmedRowCount(frame.lines)).filter((l) => l.trim() !== '');
  return {
    state: info.state,
    health: endedHealth(info),
    exitCode: info.exitCode,
    signal: envelope.context.signal,
    reason: envelope.context.reason,
    screen: rows.slice(-SCREEN_LINES),
  };
}
