// `looop cost [today|all]` as data: the total, the number of calls, and the totals by
// kind and by runner (sorted by name), over the rows of the chosen period.
import type { GuardCtx, Now } from '../guards/guardFile.ts';
import { isToday, localDay, readLedger, unknownToday, type LedgerRead, type LedgerRow } from './ledger.ts';

export type CostPeriod = 'today' | 'all';

export interface CostSummary {
  readonly period: CostPeriod;
  /** The local date, for `today`. */
  readonly day: string | null;
  readonly file: string;
  readonly exists: boolean;
  readonly totalUsd: number;
  readonly calls: number;
  readonly byKind: readonly (readonly [string, number])[];
  readonly byRunner: readonly (readonly [string, number])[];
  /** Every readable row of the period, in file order (for --json). */
  readonly rows: readonly LedgerRow[];
  /** One line naming the file when rows were skipped, cut or unreadable; null when clean. */
  readonly problem: string | null;
}

function grouped(rows: readonly LedgerRow[], key: (r: LedgerRow) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const r of rows) m.set(key(r), (m.get(key(r)) ?? 0) + r.usd);
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The one line about a ledger that was not read whole, naming it; null when it was. */
export function ledgerProblem(read: LedgerRead, now: Now): string | null {
  if (read.unreadable !== null) return `${read.file} ${read.unreadable} — no spend can be counted; move it aside`;
  const notes: string[] = [];
  if (read.corruptAt.length > 0) {
    const n = read.corruptAt.length;
    const today = unknownToday(read, now);
    notes.push(`skipped ${n} ${n === 1 ? 'row that is not a spend record' : 'rows that are not spend records'} (first at line ${read.firstCorruptLine})${today > 0 ? ', which may be today’s spend' : ''}`);
  }
  if (read.cut) notes.push('only its newest 16 MiB were read');
  return notes.length === 0 ? null : `${read.file}: ${notes.join('; ')} — fix or delete the bad lines`;
}

export function summarise(read: LedgerRead, period: CostPeriod, now: Now): CostSummary {
  const day = localDay(now);
  const rows = period === 'all' ? read.rows : read.rows.filter((r) => isToday(r, day.startMs));
  return {
    period,
    day: period === 'today' ? day.label : null,
    file: read.file,
    exists: read.exists,
    totalUsd: rows.reduce((s, r) => s + r.usd, 0),
    calls: rows.length,
    byKind: grouped(rows, (r) => r.kind),
    byRunner: grouped(rows, (r) => r.runner),
    rows,
    problem: ledgerProblem(read, now),
  };
}

export function costSummary(ctx: Pick<GuardCtx, 'paths'>, period: CostPeriod, now: Now): CostSummary {
  return summarise(readLedger(ctx), period, now);
}
