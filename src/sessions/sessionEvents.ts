// events.jsonl: what an offline replay needs to know that output.log cannot say —
// the geometry in force from each log offset on — plus lifecycle marks for humans.
import { fs } from '../nodeFs.ts';
import { readIfExists } from '../store/fsio.ts';

export type SessionLogEvent =
  | { readonly t: 'spawn'; readonly offset: number; readonly cols: number; readonly rows: number; readonly at: string; readonly pid: number }
  | { readonly t: 'resize'; readonly offset: number; readonly cols: number; readonly rows: number; readonly at: string }
  | { readonly t: 'exit'; readonly offset: number; readonly at: string; readonly code: number | null; readonly signal: string | null }
  | { readonly t: 'kill'; readonly offset: number; readonly at: string; readonly escalated: boolean };

export function appendEvent(file: string, ev: SessionLogEvent): void {
  // One write(2) of a line under O_APPEND: lines never interleave.
  fs.appendFileSync(file, `${JSON.stringify({ v: 1, ...ev })}\n`, { mode: 0o600 });
}

export interface Geometry {
  readonly offset: number;
  readonly cols: number;
  readonly rows: number;
}

const isSize = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n > 0 && n <= 10_000;

/** Geometry changes in log order. Torn or foreign lines are skipped: a replay at a best-known size beats none. */
export function readGeometry(file: string): Geometry[] {
  const bytes = readIfExists(file);
  if (bytes === null) return [];
  const out: Geometry[] = [];
  for (const line of bytes.toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof o !== 'object' || o === null) continue;
    const e = o as Record<string, unknown>;
    if ((e.t === 'spawn' || e.t === 'resize') && typeof e.offset === 'number' && isSize(e.cols) && isSize(e.rows)) {
      out.push({ offset: e.offset, cols: e.cols, rows: e.rows });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}
