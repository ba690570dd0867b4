// The noop revisit (reference §8.8): `.noop-at.json` = {"v":1,"ts","hash"} exists only
// while the last committed decision was a noop. An unchanged, unforced world is
// re-decided once that noop, taken at this very world hash, is LOOOP_NOOP_TTL old
// (21600 s; 0 = off). A missing or corrupt record never bypasses the skip (no extra
// spend). A record dated in the future (the clock moved back) is re-dated to now, so
// the revisit comes one TTL after the new clock, not a day late.
import { firstProblem, guardPath, isObject, nowS, readGuardJson, removeGuard, writeGuard, type GuardCtx, type Now, type Problem } from './guardFile.ts';
import { noopTtlS } from './knobs.ts';

export const NOOP_FILE = '.noop-at.json';

export interface NoopRecord {
  readonly ts: number;
  readonly hash: string;
}

function encode(r: NoopRecord): string {
  return `${JSON.stringify({ v: 1, ts: r.ts, hash: r.hash })}\n`;
}

/** Reads without writing: the record (future dates clamped to now), or null. */
export function inspectNoop(ctx: GuardCtx, now: Now): { record: NoopRecord | null; repair: boolean; problem: Problem } {
  const file = guardPath(ctx, NOOP_FILE);
  const r = readGuardJson(file);
  if (r.kind === 'absent') return { record: null, repair: false, problem: null };
  const v = r.kind === 'ok' ? r.value : null;
  if (!isObject(v) || v.v !== 1 || typeof v.hash !== 'string' || typeof v.ts !== 'number' || !Number.isFinite(v.ts) || v.ts < 0) {
    const why = r.kind === 'bad' ? r.problem : `${file} is not a noop record`;
    return { record: null, repair: false, problem: `${why} — no noop revisit until the next noop is recorded` };
  }
  const t = nowS(now);
  const ts = Math.floor(v.ts);
  if (ts > t) return { record: { ts: t, hash: v.hash }, repair: true, problem: `${file} is dated ${ts - t}s in the future (the clock moved back) — counting its age from now` };
  return { record: { ts, hash: v.hash }, repair: false, problem: null };
}

/** Whether the skip gate should be bypassed for `worldHash` now (repairs a future-dated record). */
export function noopRevisitDue(ctx: GuardCtx, worldHash: string, now: Now): { due: boolean; problem: Problem } {
  const ttl = noopTtlS(ctx);
  const ins = inspectNoop(ctx, now);
  const wrote = ins.repair && ins.record !== null ? writeGuard(guardPath(ctx, NOOP_FILE), encode(ins.record)) : null;
  const rec = ins.record;
  const due = ttl > 0 && rec !== null && rec.hash === worldHash && nowS(now) - rec.ts >= ttl;
  return { due, problem: firstProblem(ins.problem, wrote) };
}

/** A noop decision committed at `worldHash`. */
export function recordNoop(ctx: GuardCtx, worldHash: string, now: Now): Problem {
  return writeGuard(guardPath(ctx, NOOP_FILE), encode({ ts: nowS(now), hash: worldHash }));
}

/** Any other decision committed. */
export function clearNoop(ctx: GuardCtx): Problem {
  return removeGuard(guardPath(ctx, NOOP_FILE));
}
