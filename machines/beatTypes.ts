// The beat's facts and events, kept apart from the XState definition so `state` can
// validate the persisted record without loading XState.

export type BeatPhase = 'idle' | 'sensing' | 'deciding' | 'committing';

export const BEAT_STATES: readonly BeatPhase[] = ['idle', 'sensing', 'deciding', 'committing'];

/** What the last finished beat did: one line for `state`, and the action's kind word. */
export interface BeatDecision {
  readonly runId: string;
  readonly action: string;
  readonly summary: string;
  readonly at: string;
}

/** A beat that a previous pulse left mid-way: the phase it died in, seen by the next pulse. */
export interface BeatInterruption {
  readonly phase: BeatPhase;
  readonly runId: string | null;
  readonly pid: number;
  readonly at: string;
}

export interface BeatContext {
  /** The pulse process that owns the beat record (its `pid`; the lock says whether it lives). */
  readonly pid: number;
  /** The run in flight (`tick-YYYYmmdd-HHMMSS[-N]`), null while idle or before a decide. */
  readonly runId: string | null;
  /** When the current phase began (ISO), so `state` can say for how long. */
  readonly phaseSince: string;
  /** The world hash the last sense produced; null before the first sense. */
  readonly worldHash: string | null;
  /** Consecutive failed decides (the backoff counter); a decided beat resets it. */
  readonly failures: number;
  readonly lastDecision: BeatDecision | null;
  /** Set when a pulse found this record mid-beat at start-up; cleared when it is reported. */
  readonly interrupted: BeatInterruption | null;
  /** How the last beat ended without a decision: `unchanged`, `failed: …`, or null. */
  readonly lastOutcome: string | null;
}

export type BeatInput = Pick<BeatContext, 'pid'> & { readonly at: string };

export type BeatEvent =
  | { readonly type: 'SENSE'; readonly at: string }
  | { readonly type: 'SENSED'; readonly at: string; readonly worldHash: string }
  /** The world did not change (or a gate held the decide back): back to idle, no AI call. */
  | { readonly type: 'SKIP'; readonly at: string; readonly reason: string }
  | { readonly type: 'DECIDE'; readonly at: string; readonly runId: string }
  | { readonly type: 'DECIDED'; readonly at: string; readonly action: string; readonly summary: string }
  | { readonly type: 'COMMITTED'; readonly at: string }
  | { readonly type: 'FAIL'; readonly at: string; readonly reason: string }
  /** A new pulse (pid) adopts the record; if it was mid-beat, the interruption is kept for reporting. */
  | { readonly type: 'ADOPT'; readonly at: string; readonly pid: number }
  | { readonly type: 'REPORTED'; readonly at: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Why a parsed context is not a beat context, or null when it is. */
export function beatContextProblem(c: unknown): string | null {
  if (!isObj(c)) return 'context is not an object';
  if (!isCount(c.pid)) return 'context.pid must be a non-negative integer';
  if (!isStrOrNull(c.runId)) return 'context.runId must be a string or null';
  if (typeof c.phaseSince !== 'string') return 'context.phaseSince must be a string';
  if (!isStrOrNull(c.worldHash)) return 'context.worldHash must be a string or null';
  if (!isCount(c.failures)) return 'context.failures must be a non-negative integer';
  const d = c.lastDecision;
  if (d !== null && !(isObj(d) && typeof d.runId === 'string' && typeof d.action === 'string' && typeof d.summary === 'string' && typeof d.at === 'string')) {
    return 'context.lastDecision must be null or {runId, action, summary, at}';
  }
  const i = c.interrupted;
  if (i !== null && !(isObj(i) && BEAT_STATES.includes(i.phase as BeatPhase) && isStrOrNull(i.runId) && isCount(i.pid) && typeof i.at === 'string')) {
    return 'context.interrupted must be null or {phase, runId, pid, at}';
  }
  if (!isStrOrNull(c.lastOutcome)) return 'context.lastOutcome must be a string or null';
  return null;
}
