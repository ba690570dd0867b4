// LAST FAILURE (reference §8.3 step 24, §8.10 item 12): `.last-failure.json` =
// {"v":1,"ts","run_id","code","error","fails"}, written when a decide attempt fails and
// removed by the next successful one, so the next prompt tells the decider what went
// wrong. A corrupt record only loses that section (reported), never blocks a beat.
import type { LastFailure } from '../decide/prompt.ts';
import { guardPath, isCount, isObject, nowS, readGuardJson, removeGuard, writeGuard, type GuardCtx, type Now, type Problem } from './guardFile.ts';

export const LAST_FAILURE_FILE = '.last-failure.json';

export interface FailureRecord {
  readonly runId: string;
  /** `tick.failed` or `tick.no_decision`. */
  readonly code: string;
  readonly error: string;
  readonly fails: number;
}

export function writeLastFailure(ctx: GuardCtx, f: FailureRecord, now: Now): Problem {
  const body = { v: 1, ts: nowS(now), run_id: f.runId, code: f.code, error: f.error, fails: f.fails };
  return writeGuard(guardPath(ctx, LAST_FAILURE_FILE), `${JSON.stringify(body)}\n`);
}

/** The prompt's LastFailure (ago counted from `now`, never negative), or null. */
export function readLastFailure(ctx: GuardCtx, now: Now): { failure: LastFailure | null; runId: string | null; problem: Problem } {
  const file = guardPath(ctx, LAST_FAILURE_FILE);
  const r = readGuardJson(file);
  if (r.kind === 'absent') return { failure: null, runId: null, problem: null };
  const v = r.kind === 'ok' ? r.value : null;
  if (!isObject(v) || v.v !== 1 || typeof v.code !== 'string' || typeof v.error !== 'string' || !isCount(v.fails) || typeof v.ts !== 'number' || !Number.isFinite(v.ts)) {
    const why = r.kind === 'bad' ? r.problem : `${file} is not a failure record`;
    return { failure: null, runId: null, problem: `${why} — the prompt goes without LAST FAILURE` };
  }
  const agoS = Math.max(0, nowS(now) - Math.floor(v.ts));
  return { failure: { code: v.code, fails: v.fails, agoS, error: v.error }, runId: typeof v.run_id === 'string' ? v.run_id : null, problem: null };
}

export function clearLastFailure(ctx: GuardCtx): Problem {
  return removeGuard(guardPath(ctx, LAST_FAILURE_FILE));
}
