// The hourly decide cap (reference §8.7): `.decide-ledger.json` = {"v":1,"ts":[unix…]}
// holds the decide attempts of the rolling hour, counted at launch whether or not they
// succeed. LOOOP_MAX_DECIDES_PER_HOUR (120; 0 = unlimited) caps them.
//
// Unlike upstream (which reads a corrupt ledger as empty), a ledger that cannot be
// read fails closed: we no longer know what was spent this hour, so it counts as full
// from now, and that reading is written back so it ages out within the hour. Single
// entries that are not timestamps are skipped (the rest of the record is still good).
// Entries in the future (the clock moved back) count as now and are written back as
// now, so they age out an hour after the new clock rather than after the old one.
import { firstProblem, guardPath, isObject, nowS, readGuardJson, writeGuard, type GuardCtx, type Now, type Problem } from './guardFile.ts';
import { maxDecidesPerHour } from './knobs.ts';

export const LEDGER_FILE = '.decide-ledger.json';
export const HOUR_S = 3600;

export interface LedgerInspection {
  /** Attempt times (unix s) within the last hour, oldest first, clamped to now. */
  readonly entries: readonly number[];
  /** True when the file should be rewritten (corrupt, skipped entries, future entries). */
  readonly repair: boolean;
  readonly problem: Problem;
}

function isStamp(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** Reads without writing. `cap` sizes the fail-closed stand-in for an unreadable file. */
export function inspectLedger(ctx: GuardCtx, now: Now, cap: number = maxDecidesPerHour(ctx)): LedgerInspection {
  const file = guardPath(ctx, LEDGER_FILE);
  const t = nowS(now);
  const r = readGuardJson(file);
  if (r.kind === 'absent') return { entries: [], repair: false, problem: null };
  const list = r.kind === 'ok' && isObject(r.value) && r.value.v === 1 && Array.isArray(r.value.ts) ? (r.value.ts as unknown[]) : null;
  if (list === null) {
    const why = r.kind === 'bad' ? r.problem : `${file} is not a decide ledger`;
    return {
      entries: new Array<number>(cap).fill(t),
      repair: true,
      problem: cap > 0 ? `${why} — failing closed: this hour's decide budget counts as spent (retry in ${HOUR_S}s)` : `${why} — ignored (no cap set); the next decide rewrites it`,
    };
  }
  const entries: number[] = [];
  let skipped = 0;
  let future = 0;
  for (const v of list) {
    if (!isStamp(v)) {
      skipped += 1;
      continue;
    }
    const s = Math.floor(v);
    if (s > t) future += 1;
    const at = Math.min(s, t);
    if (t - at < HOUR_S) entries.push(at);
  }
  entries.sort((a, b) => a - b);
  const notes: string[] = [];
  if (skipped > 0) notes.push(`${file}: skipped ${skipped} entr${skipped === 1 ? 'y' : 'ies'} that are not timestamps`);
  if (future > 0) notes.push(`${file}: ${future} entr${future === 1 ? 'y is' : 'ies are'} dated in the future (the clock moved back) — counted as now`);
  return { entries, repair: skipped + future > 0, problem: notes.length === 0 ? null : notes.join('; ') };
}

function encode(entries: readonly number[]): string {
  return `${JSON.stringify({ v: 1, ts: entries })}\n`;
}

export type CapGate =
  | { readonly kind: 'open'; readonly used: number; readonly cap: number }
  | { readonly kind: 'capped'; readonly used: number; readonly cap: number; readonly retryInS: number };

/** The gate for a set of entries (pure). cap 0 = unlimited. */
export function judgeCap(entries: readonly number[], cap: number, now: Now): CapGate {
  const used = entries.length;
  if (cap === 0 || used < cap) return { kind: 'open', used, cap };
  const oldest = entries[0] ?? nowS(now);
  return { kind: 'capped', used, cap, retryInS: Math.max(1, oldest + HOUR_S - nowS(now)) };
}

/** Whether one more decide fits this hour; repairs the file when it was corrupt or future-dated. */
export function capGate(ctx: GuardCtx, now: Now): CapGate & { readonly problem: Problem } {
  const cap = maxDecidesPerHour(ctx);
  const ins = inspectLedger(ctx, now, cap);
  const wrote = ins.repair ? writeGuard(guardPath(ctx, LEDGER_FILE), encode(ins.entries)) : null;
  return { ...judgeCap(ins.entries, cap, now), problem: firstProblem(ins.problem, wrote) };
}

/** Counts a decide attempt (at launch), pruning the ledger to the rolling hour. */
export function recordDecide(ctx: GuardCtx, now: Now): { used: number; problem: Problem } {
  const ins = inspectLedger(ctx, now);
  const entries = [...ins.entries, nowS(now)];
  const wrote = writeGuard(guardPath(ctx, LEDGER_FILE), encode(entries));
  return { used: entries.length, problem: firstProblem(ins.problem, wrote) };
}
