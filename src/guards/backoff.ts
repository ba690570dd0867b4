// Failure backoff (reference §8.7): `.tick-backoff` = {"v":1,"hash","fails","ts"}.
// Every failed beat counts, however the world moves; only a successful beat clears
// it. The record is keyed on the POLICY hash (PLAYBOOK + goals): a human steering
// edit cuts the current wait short but keeps the count. A record that cannot be
// read fails closed: it reads as 4 fails from now under the current policy, and that
// reading is written back so the wait elapses instead of restarting every beat. A
// timestamp in the future (the clock jumped back) is treated as now, the same way.
import { firstProblem, guardPath, isCount, isObject, nowS, readGuardJson, removeGuard, writeGuard, type GuardCtx, type Now, type Problem } from './guardFile.ts';

export const BACKOFF_FILE = '.tick-backoff';
export const BACKOFF_CAP_S = 300;
/** What an unreadable record counts as: the widest window but one. */
export const CORRUPT_FAILS = 4;

export interface BackoffRecord {
  /** The policy hash at the last failure. */
  readonly hash: string;
  readonly fails: number;
  /** Unix seconds of the last failure. */
  readonly ts: number;
}

/** Seconds to wait after `fails` consecutive failures: 0, 60, 120, 240, then 300. */
export function backoffDelayS(fails: number): number {
  if (!(fails > 0)) return 0;
  if (fails >= 4) return BACKOFF_CAP_S;
  return Math.min(BACKOFF_CAP_S, 60 * 2 ** (fails - 1));
}

function encode(r: BackoffRecord): string {
  return `${JSON.stringify({ v: 1, hash: r.hash, fails: r.fails, ts: r.ts })}\n`;
}

function parse(v: unknown): BackoffRecord | null {
  if (!isObject(v) || v.v !== 1 || typeof v.hash !== 'string' || !isCount(v.fails)) return null;
  if (typeof v.ts !== 'number' || !Number.isFinite(v.ts) || v.ts < 0) return null;
  return { hash: v.hash, fails: v.fails, ts: Math.floor(v.ts) };
}

export interface BackoffInspection {
  /** The record as the guard must honour it; null when there is none. */
  readonly record: BackoffRecord | null;
  /** True when `record` differs from the file and should be written back. */
  readonly repair: boolean;
  /** The file could not be read as a record (so `record` is the fail-closed stand-in). */
  readonly corrupt: boolean;
  /** The file was unreadable, corrupt or from the future: one line naming it. */
  readonly problem: Problem;
}

/** Reads without writing (for reports); see readBackoff for the pulse's read. */
export function inspectBackoff(ctx: GuardCtx, policyHash: string, now: Now): BackoffInspection {
  const file = guardPath(ctx, BACKOFF_FILE);
  const t = nowS(now);
  const r = readGuardJson(file);
  if (r.kind === 'absent') return { record: null, repair: false, corrupt: false, problem: null };
  const rec = r.kind === 'ok' ? parse(r.value) : null;
  if (rec === null) {
    const why = r.kind === 'bad' ? r.problem : `${file} is not a backoff record`;
    return {
      record: { hash: policyHash, fails: CORRUPT_FAILS, ts: t },
      repair: true,
      corrupt: true,
      problem: `${why} — failing closed: counted as ${CORRUPT_FAILS} failures from now (retry in ${BACKOFF_CAP_S}s)`,
    };
  }
  if (rec.ts > t) {
    return { record: { ...rec, ts: t }, repair: true, corrupt: false, problem: `${file} is dated ${rec.ts - t}s in the future (the clock moved back) — counting its wait from now` };
  }
  return { record: rec, repair: false, corrupt: false, problem: null };
}

/** The record the pulse honours, repairing the file when it was corrupt or future-dated. */
export function readBackoff(ctx: GuardCtx, policyHash: string, now: Now): { record: BackoffRecord | null; problem: Problem } {
  const ins = inspectBackoff(ctx, policyHash, now);
  const wrote = ins.repair && ins.record !== null ? writeGuard(guardPath(ctx, BACKOFF_FILE), encode(ins.record)) : null;
  return { record: ins.record, problem: firstProblem(ins.problem, wrote) };
}

export type BackoffGate =
  | { readonly kind: 'open' }
  /** Still inside the window, but the policy changed since the failure: retry now, count kept. */
  | { readonly kind: 'cut'; readonly fails: number }
  | { readonly kind: 'hold'; readonly fails: number; readonly retryInS: number };

/** The gate for a record (pure): open, cut short by a policy edit, or holding. */
export function judgeBackoff(record: BackoffRecord | null, policyHash: string, now: Now): BackoffGate {
  if (record === null || record.fails <= 0) return { kind: 'open' };
  const remain = record.ts + backoffDelayS(record.fails) - nowS(now);
  if (remain <= 0) return { kind: 'open' };
  if (record.hash !== policyHash) return { kind: 'cut', fails: record.fails };
  return { kind: 'hold', fails: record.fails, retryInS: remain };
}

export function backoffGate(ctx: GuardCtx, policyHash: string, now: Now): BackoffGate & { readonly problem: Problem } {
  const { record, problem } = readBackoff(ctx, policyHash, now);
  return { ...judgeBackoff(record, policyHash, now), problem };
}

/**
 * Counts one more failed beat under `policyHash` and returns the new count. A record
 * that cannot be read resumes conservatively at CORRUPT_FAILS.
 */
export function recordBackoff(ctx: GuardCtx, policyHash: string, now: Now): { fails: number; problem: Problem } {
  const file = guardPath(ctx, BACKOFF_FILE);
  const ins = inspectBackoff(ctx, policyHash, now);
  const fails = ins.record === null ? 1 : ins.corrupt ? CORRUPT_FAILS : Math.min(ins.record.fails + 1, Number.MAX_SAFE_INTEGER);
  const wrote = writeGuard(file, encode({ hash: policyHash, fails, ts: nowS(now) }));
  return { fails, problem: firstProblem(ins.problem, wrote) };
}

/** After a successful beat. */
export function clearBackoff(ctx: GuardCtx): Problem {
  return removeGuard(guardPath(ctx, BACKOFF_FILE));
}
