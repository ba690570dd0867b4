// The spend ledger `cost.jsonl` (reference §8.20): one JSON line per positive spend,
//   {"ts":"2026-12-01T18:00:00Z","kind":"tick"|"session"|…,"id":…,"runner":…,"usd":0.0123}
// appended with one write(2) under O_APPEND, so concurrent writers (the pulse and
// workers reporting their own spend) never interleave inside a row. Rows upstream
// wrote with `cost_usd` are read too.
//
// Reading is bounded: past READ_MAX_BYTES only the tail is read (rows are appended in
// time order, so today's rows are at the end). A row that is not a ledger row is
// skipped and counted; where it sits decides whether it may be today's spend (see
// `unknownToday`), which the budget breaker treats as spent (fail closed).
import path from 'node:path';
import { fs } from '../nodeFs.ts';
import { hasErrno } from '../errors.ts';
import type { GuardCtx, Now } from '../guards/guardFile.ts';
import { nowMs } from '../guards/guardFile.ts';

export const COST_FILE = 'cost.jsonl';
/** ~150,000 rows: a ledger this big is read from its tail only. */
export const READ_MAX_BYTES = 16 * 1024 * 1024;

export interface CostRow {
  readonly ts: string;
  readonly kind: string;
  readonly id: string;
  readonly runner: string;
  readonly usd: number;
}

/** A row as read, with its instant. */
export interface LedgerRow extends CostRow {
  readonly tsMs: number;
}

export interface LedgerRead {
  readonly file: string;
  readonly exists: boolean;
  /** Good rows in file order. */
  readonly rows: readonly LedgerRow[];
  /** For each skipped line: how many good rows came before it. */
  readonly corruptAt: readonly number[];
  /** 1-based line number of the first skipped line (0: none). */
  readonly firstCorruptLine: number;
  /** The file was bigger than READ_MAX_BYTES: only its tail was read. */
  readonly cut: boolean;
  readonly mtimeMs: number;
  /** The file is there but could not be read at all (a directory, a symlink, EACCES). */
  readonly unreadable: string | null;
}

export function costFile(ctx: Pick<GuardCtx, 'paths'>): string {
  return path.join(ctx.paths.dataDir, COST_FILE);
}

/** `2026-12-01T18:00:00Z`. */
export function utcSeconds(at: Now): string {
  return `${new Date(nowMs(at)).toISOString().slice(0, 19)}Z`;
}

/** Appends one row; a zero, negative or non-finite amount is dropped (false). Throws fs errors. */
export function appendCost(ctx: Pick<GuardCtx, 'paths'>, row: Omit<CostRow, 'ts'>, now: Now): boolean {
  if (!Number.isFinite(row.usd) || row.usd <= 0) return false;
  const usd = Math.round(row.usd * 1e6) / 1e6;
  if (usd <= 0) return false;
  const line = `${JSON.stringify({ ts: utcSeconds(now), kind: row.kind, id: row.id, runner: row.runner, usd })}\n`;
  const fd = fs.openSync(costFile(ctx), fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, line);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '?');

export function parseRow(line: string): LedgerRow | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const usd = typeof o.usd === 'number' ? o.usd : o.cost_usd;
  if (typeof usd !== 'number' || !Number.isFinite(usd) || usd <= 0) return null;
  if (typeof o.ts !== 'string') return null;
  const tsMs = Date.parse(o.ts);
  if (!Number.isFinite(tsMs)) return null;
  return { ts: o.ts, kind: str(o.kind), id: str(o.id), runner: str(o.runner), usd, tsMs };
}

const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

function empty(file: string, unreadable: string | null, exists: boolean): LedgerRead {
  return { file, exists, rows: [], corruptAt: [], firstCorruptLine: 0, cut: false, mtimeMs: 0, unreadable };
}

export type LedgerOpen =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable'; readonly why: string }
  | { readonly kind: 'ok'; readonly fd: number; readonly size: number; readonly mtimeMs: number };

/** Opens the ledger under the data-dir policy: no symlink, no blocking, a regular file only. The caller closes `fd`. */
export function openLedger(file: string): LedgerOpen {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    if (hasErrno(e, 'ENOENT', 'ENOTDIR')) return { kind: 'absent' };
    if (hasErrno(e, 'ELOOP', 'EMLINK')) return { kind: 'unreadable', why: 'is a symbolic link; looop reads only regular files here' };
    return { kind: 'unreadable', why: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const st = fs.fstatSync(fd);
    if (st.isFile()) return { kind: 'ok', fd, size: st.size, mtimeMs: st.mtimeMs };
  } catch (e) {
    fs.closeSync(fd);
    return { kind: 'unreadable', why: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  fs.closeSync(fd);
  return { kind: 'unreadable', why: 'is not a regular file' };
}

/** Bytes [start, start+length) of an open file (fewer at EOF). */
export function readAt(fd: number, start: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let len = 0;
  while (len < length) {
    const n = fs.readSync(fd, buf, len, length - len, start + len);
    if (n === 0) break;
    len += n;
  }
  return buf.subarray(0, len);
}

/** Reads the whole ledger (its tail past `maxBytes`), for `looop cost`. Never throws for what the file is. */
export function readLedger(ctx: Pick<GuardCtx, 'paths'>, maxBytes = READ_MAX_BYTES): LedgerRead {
  const file = costFile(ctx);
  const opened = openLedger(file);
  if (opened.kind === 'absent') return empty(file, null, false);
  if (opened.kind === 'unreadable') return empty(file, opened.why, true);
  const { fd, size, mtimeMs } = opened;
  const start = Math.max(0, size - maxBytes);
  const cut = start > 0;
  let bytes: Buffer;
  try {
    bytes = readAt(fd, start, size - start);
  } catch (e) {
    return empty(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, true);
  } finally {
    fs.closeSync(fd);
  }
  let text = bytes.toString('utf8');
  if (cut) text = text.slice(text.indexOf('\n') + 1); // the first line is a fragment
  const rows: LedgerRow[] = [];
  const corruptAt: number[] = [];
  let firstCorruptLine = 0;
  let lineNo = 0;
  let from = 0;
  while (from < text.length) {
    let nl = text.indexOf('\n', from);
    if (nl < 0) nl = text.length;
    lineNo += 1;
    const line = text.slice(from, nl);
    from = nl + 1;
    if (line.trim() === '') continue;
    const row = parseRow(line);
    if (row !== null) {
      rows.push(row);
    } else {
      corruptAt.push(rows.length);
      if (firstCorruptLine === 0) firstCorruptLine = lineNo;
    }
  }
  return { file, exists: true, rows, corruptAt, firstCorruptLine, cut, mtimeMs, unreadable: null };
}

/** Local midnight of `now`'s date, and the next one. The day is always the local date of `now`. */
export function localDay(now: Now): { readonly startMs: number; readonly endMs: number; readonly label: string } {
  const d = new Date(nowMs(now));
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate());
  const end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1);
  const label = `${start.getFullYear()}-${String(start.getMonth() + 1).padStart(2, '0')}-${String(start.getDate()).padStart(2, '0')}`;
  return { startMs: start.getTime(), endMs: end.getTime(), label };
}

/**
 * Today's rows: dated on `now`'s local date, or later (the clock moved back: that
 * spend happened before now in real time, so it counts rather than slipping away).
 */
export function isToday(row: LedgerRow, startMs: number): boolean {
  return row.tsMs >= startMs;
}

/**
 * How many skipped lines may hold today's spend. A skipped line is older than today
 * when a good row after it is dated before today (rows are appended in time order),
 * or when the file was last written before today. The rest may be today's, and so is
 * the part of a cut ledger that was not read when the oldest row read is from today.
 */
export function unknownToday(read: LedgerRead, now: Now): number {
  if (!read.exists || read.mtimeMs < localDay(now).startMs) return 0;
  const { startMs } = localDay(now);
  let lastOld = -1;
  read.rows.forEach((r, i) => {
    if (!isToday(r, startMs)) lastOld = i;
  });
  let n = read.corruptAt.filter((at) => at > lastOld).length;
  const first = read.rows[0];
  if (read.cut && (first === undefined || isToday(first, startMs))) n += 1;
  return n;
}
