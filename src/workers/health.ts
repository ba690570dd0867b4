// How a worker is doing, as `worker list` and the pulse read it. An ended worker's
// health says how it ended, so a finished worker is never mistaken for a broken one.
import type { AskContext } from '../../machines/askTypes.ts';
import type { Ctx } from '../context.ts';
import { fs } from '../nodeFs.ts';
import type { SessionInfo } from '../sessions/fleet.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';
import type { Envelope } from '../store/envelope.ts';
import { verdictWord } from './verdict.ts';

export type EndedHealth = 'done' | 'failed' | 'killed' | 'dead';
export type Health = 'busy' | 'waiting-ask' | 'stuck' | EndedHealth | 'up' | 'down';

/**
 * done: exited 0. failed: a non-zero exit, death by a signal, or a command that never
 * started. killed: ended by `kill`. dead: the host vanished without recording an end.
 */
export function endedHealth(s: Pick<SessionInfo, 'state' | 'exitCode'>): EndedHealth {
  if (s.state === 'killed') return 'killed';
  if (s.state === 'exited') return s.exitCode === 0 ? 'done' : 'failed';
  return 'dead';
}

const DEFAULT_STUCK_SECS = 900;

/** What `worker list` and the pulse's sys-sessions sensor say about one worker. */
export interface WorkerFacts {
  readonly health: Health;
  readonly idle_s: number | null;
  readonly uptime_s: number | null;
  /** Age of its oldest pending ask; null when it has none (or has ended). */
  readonly ask_age_s: number | null;
  readonly verify: 'pass' | 'fail' | null;
}

function stuckSecs(ctx: Ctx): number {
  const raw = ctx.env.LOOOP_WORKER_STUCK_SECS?.trim();
  if (raw !== undefined && /^\d+$/.test(raw)) return Number(raw);
  if (raw !== undefined && raw !== '') ctx.warn('env:LOOOP_WORKER_STUCK_SECS', `LOOOP_WORKER_STUCK_SECS=${JSON.stringify(raw)} is not a whole number — using ${DEFAULT_STUCK_SECS}`);
  return DEFAULT_STUCK_SECS;
}

function secsSince(ms: number, nowMs: number): number | null {
  return Number.isNaN(ms) ? null : Math.max(0, Math.floor((nowMs - ms) / 1000));
}

/** Seconds since the session last printed anything; null when unknown. */
export function idleSecs(ctx: Ctx, id: string, nowMs: number): number | null {
  const st = fs.statSync(sessionFiles(ctx.paths, id).output, { throwIfNoEntry: false });
  return st === undefined ? null : secsSince(st.mtimeMs, nowMs);
}

/** Since the session started; null when its record does not say. */
export function uptimeSecs(s: Pick<SessionInfo, 'startedAt'>, nowMs: number): number | null {
  return secsSince(s.startedAt === null ? NaN : Date.parse(s.startedAt), nowMs);
}

/**
 * Judges workers against the pending asks: an ended one says how it ended; a live one
 * waits on a human (a pending ask), is stuck (silent past LOOOP_WORKER_STUCK_SECS) or
 * busy. Unknown idleness counts as busy: never call a worker stuck without evidence.
 */
export function workerJudge(ctx: Ctx, pending: readonly Envelope<AskContext>[]): (s: SessionInfo) => WorkerFacts {
  const nowMs = ctx.now().getTime();
  const oldestAsk = new Map<string, number>();
  for (const a of pending) {
    const prev = oldestAsk.get(a.context.worker);
    if (prev === undefined || a.context.ts < prev) oldestAsk.set(a.context.worker, a.context.ts);
  }
  const stuck = stuckSecs(ctx);
  return (s) => {
    const idle = idleSecs(ctx, s.id, nowMs);
    const ask = s.alive ? oldestAsk.get(s.id) : undefined;
    const health: Health = !s.alive ? endedHealth(s) : ask !== undefined ? 'waiting-ask' : idle !== null && idle >= stuck ? 'stuck' : 'busy';
    return {
      health,
      idle_s: idle,
      uptime_s: uptimeSecs(s, nowMs),
      ask_age_s: ask === undefined ? null : Math.max(0, Math.floor(nowMs / 1000) - ask),
      verify: verdictWord(ctx, s.id),
    };
  };
}
