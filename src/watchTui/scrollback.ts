// The selected session's history as plain lines, for scrolling back. Built from the
// tail of output.log with its escapes stripped (a log is a byte stream, not a screen),
// bounded twice: only the last WINDOW bytes are ever read, and at most MAX_LINES lines
// kept. Later refreshes read only what was appended; a replaced or truncated file is
// read again from its tail. The text is still the session's own: render neutralises it.
import { AnsiStripper } from '../sessions/ansiText.ts';
import { fs } from '../nodeFs.ts';

export const WINDOW = 2 * 1024 * 1024;
export const MAX_LINES = 25_000;
const CHUNK = 256 * 1024;

export interface History {
  readonly file: string;
  /** Complete lines, oldest first; `partial` is the line still being written. */
  lines: string[];
  partial: string;
  offset: number;
  ino: number;
  /** True while the bytes before the first newline belong to a line cut by the window. */
  skipFirst: boolean;
  /** Lines ever completed: how far the history moved on between two refreshes. */
  seen: number;
  stripper: AnsiStripper;
}

export function emptyHistory(file: string): History {
  return { file, lines: [], partial: '', offset: 0, ino: -1, skipFirst: false, seen: 0, stripper: new AnsiStripper() };
}

/** Lines (a line being written counts) added between two states of one history. */
export function grewBy(before: { seen: number; partial: boolean }, h: History): number {
  return h.seen + (h.partial === '' ? 0 : 1) - (before.seen + (before.partial ? 1 : 0));
}

/** The lines to show: the complete ones and the one still being written. */
export function historyLines(h: History): readonly string[] {
  return h.partial === '' ? h.lines : [...h.lines, h.partial];
}

/** A redraw within a line (CR) leaves what was drawn last; tabs stop every 8 columns. */
const settled = (line: string): string => {
  const cr = line.lastIndexOf('\r');
  const last = cr < 0 ? line : line.slice(cr + 1);
  if (!last.includes('\t')) return last;
  let out = '';
  for (const ch of last) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
};

function take(h: History, text: string): void {
  let rest = h.partial + text;
  if (h.skipFirst) {
    const nl = rest.indexOf('\n');
    if (nl < 0) {
      h.partial = '';
      return;
    }
    rest = rest.slice(nl + 1);
    h.skipFirst = false;
  }
  const parts = rest.split('\n');
  h.partial = parts.pop() ?? '';
  for (const p of parts) h.lines.push(settled(p));
  h.seen += parts.length;
  if (h.lines.length > MAX_LINES) h.lines.splice(0, h.lines.length - MAX_LINES);
}

/**
 * Brings `h` up to the file's end; returns the history to use from now on (a fresh one
 * when the file was replaced or shrank). A missing or non-regular file is an empty history.
 */
export function refreshHistory(h: History): History {
  let fd: number;
  try {
    fd = fs.openSync(h.file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return h.lines.length === 0 && h.partial === '' ? h : emptyHistory(h.file);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return emptyHistory(h.file);
    let cur = h;
    if (st.ino !== h.ino || st.size < h.offset) {
      cur = emptyHistory(h.file);
      cur.ino = st.ino;
      cur.offset = Math.max(0, st.size - WINDOW);
      cur.skipFirst = cur.offset > 0;
    } else if (st.size - h.offset > WINDOW) {
      // More was appended than the window holds: what lies before it is gone from view.
      cur = emptyHistory(h.file);
      cur.ino = st.ino;
      cur.offset = st.size - WINDOW;
      cur.skipFirst = true;
    }
    const buf = Buffer.allocUnsafe(CHUNK);
    while (cur.offset < st.size) {
      const n = fs.readSync(fd, buf, 0, Math.min(CHUNK, st.size - cur.offset), cur.offset);
      if (n <= 0) break;
      cur.offset += n;
      take(cur, cur.stripper.push(buf.subarray(0, n)));
    }
    return cur;
  } catch {
    return h;
  } finally {
    fs.closeSync(fd);
  }
}
