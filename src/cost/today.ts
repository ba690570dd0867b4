// Today's spend for the budget breaker, read from the end of the ledger backwards.
// Rows are appended in time order, so the scan stops at the first good row dated
// before today (the local date of `now`): a beat reads today's rows, not the whole
// history. Chunks grow geometrically from CHUNK up to READ_MAX_BYTES.
//
// A bad line met before that stop may be today's spend: it is counted as unknown (the
// breaker treats unknown as spent), unless the file was last written before today.
// So is the unread rest of a ledger whose today did not fit in READ_MAX_BYTES.
import { fs } from '../nodeFs.ts';
import type { GuardCtx, Now } from '../guards/guardFile.ts';
import { costFile, isToday, localDay, openLedger, parseRow, readAt, READ_MAX_BYTES } from './ledger.ts';

const CHUNK = 64 * 1024;

export interface TodayRead {
  readonly file: string;
  readonly usd: number;
  readonly rows: number;
  /** Bad lines (or an unread stretch) that may hold today's spend. */
  readonly unknownRows: number;
  /** Bad lines seen among today's rows (for the problem line). */
  readonly corrupt: number;
  readonly unreadable: string | null;
}

export function readToday(ctx: Pick<GuardCtx, 'paths'>, now: Now, maxBytes = READ_MAX_BYTES): TodayRead {
  const file = costFile(ctx);
  const opened = openLedger(file);
  if (opened.kind === 'absent') return { file, usd: 0, rows: 0, unknownRows: 0, corrupt: 0, unreadable: null };
  if (opened.kind === 'unreadable') return { file, usd: 0, rows: 0, unknownRows: 1, corrupt: 0, unreadable: opened.why };
  const { fd, size, mtimeMs } = opened;
  const { startMs } = localDay(now);
  let usd = 0;
  let rows = 0;
  let corrupt = 0;
  let end = size; // bytes before `end` are not scanned yet
  let chunk = CHUNK;
  let stopped = false;
  let lastStart = -1;
  try {
    while (!stopped && end > 0 && size - end < maxBytes) {
      const start = Math.max(0, end - chunk, size - maxBytes);
      if (start === lastStart) break; // pinned at the bound: only a cut line is left there
      lastStart = start;
      const buf = readAt(fd, start, end - start);
      // Unless this reaches the file's start, its first line may be cut: leave it for the next chunk.
      const first = start === 0 ? 0 : buf.indexOf(0x0a) + 1;
      if (start > 0 && first === 0) {
        chunk *= 2;
        continue;
      }
      let lineEnd = buf.length;
      while (lineEnd > first) {
        const nl = buf.lastIndexOf(0x0a, lineEnd - 1);
        const lineStart = nl < first ? first : nl + 1;
        const line = buf.toString('utf8', lineStart, lineEnd).trim();
        lineEnd = nl < first ? first : nl;
        if (line === '') continue;
        const row = parseRow(line);
        if (row === null) corrupt += 1;
        else if (isToday(row, startMs)) {
          usd += row.usd;
          rows += 1;
        } else {
          stopped = true;
          break;
        }
      }
      end = start + first;
      chunk *= 2;
    }
  } catch (e) {
    return { file, usd, rows, unknownRows: 1, corrupt, unreadable: `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    fs.closeSync(fd);
  }
  const unread = !stopped && end > 0 ? 1 : 0;
  const unknownRows = mtimeMs < startMs ? 0 : corrupt + unread;
  return { file, usd, rows, unknownRows, corrupt, unreadable: null };
}
