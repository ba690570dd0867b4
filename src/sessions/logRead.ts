// Reading output.log without loading it whole: the tail is found by scanning
// backwards in blocks, and following reads only what was appended, waking on
// watch events (a slow re-check covers dropped events and notices the end).
import type { FSWatcher } from 'node:fs';
import { fs } from '../nodeFs.ts';
import type { Ctx } from '../context.ts';
import { hasErrno } from '../errors.ts';
import { readSession } from './fleet.ts';
import { sessionFiles } from './sessionKind.ts';

const BLOCK = 64 * 1024;
const READ_MAX = 1 << 20;
const RECHECK_MS = 1000;

export function logSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return 0;
    throw e;
  }
}

/** The offset where the last `lines` lines of the file begin (0 for the whole file). */
export function tailOffset(file: string, lines: number): number {
  const size = logSize(file);
  if (size === 0) return 0;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(BLOCK);
    let pos = size;
    // A final newline ends the last line; it does not start an empty one.
    let seen = 0;
    let skipLast = true;
    while (pos > 0) {
      const len = Math.min(BLOCK, pos);
      pos -= len;
      fs.readSync(fd, buf, 0, len, pos);
      for (let i = len - 1; i >= 0; i--) {
        if (buf[i] !== 0x0a) {
          skipLast = false;
          continue;
        }
        if (skipLast) {
          skipLast = false;
          continue;
        }
        seen += 1;
        if (seen === lines) return pos + i + 1;
      }
    }
    return 0;
  } finally {
    fs.closeSync(fd);
  }
}

/** Calls `each` with the bytes in [from, to) in bounded chunks. */
export function readRange(file: string, from: number, to: number, each: (b: Buffer) => void): number {
  if (to <= from) return from;
  const fd = fs.openSync(file, 'r');
  try {
    let off = from;
    while (off < to) {
      const want = Math.min(READ_MAX, to - off);
      const buf = Buffer.allocUnsafe(want);
      const n = fs.readSync(fd, buf, 0, want, off);
      if (n === 0) break;
      each(buf.subarray(0, n));
      off += n;
    }
    return off;
  } finally {
    fs.closeSync(fd);
  }
}

export interface Follow {
  /** Resolves when the session has ended and its last bytes were delivered, or on stop(). */
  readonly done: Promise<void>;
  stop(): void;
}

/** Streams what session `id` appends to output.log from `offset` on, until it ends. */
export function followLog(ctx: Ctx, id: string, offset: number, onBytes: (b: Buffer) => void): Follow {
  const files = sessionFiles(ctx.paths, id);
  let off = offset;
  let stopped = false;
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | undefined;
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => (finish = r));
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    watcher?.close();
    finish();
  };
  const pump = (): void => {
    if (!stopped) off = readRange(files.output, off, logSize(files.output), onBytes);
  };
  const checkEnd = (): void => {
    if (stopped) return;
    let alive = false;
    try {
      const r = readSession(ctx, id);
      alive = r.kind === 'ok' && r.info.alive;
    } catch {
      alive = false;
    }
    // The host appends all output before it records the end, so one last read gets everything.
    if (!alive) {
      pump();
      stop();
    }
  };
  try {
    watcher = fs.watch(files.dir, (event, name) => {
      if (name === 'output.log') pump();
      else if (name === 'session.json' || event === 'rename') checkEnd();
    });
    watcher.on('error', () => undefined);
  } catch {
    // No watch: the re-check below is all we have.
  }
  timer = setInterval(() => {
    pump();
    checkEnd();
  }, watcher === null ? 100 : RECHECK_MS);
  pump();
  checkEnd();
  return { done, stop };
}
