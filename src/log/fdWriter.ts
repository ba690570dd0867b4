// Writes log text to a file descriptor without ever throwing: a reader that went
// away (`looop pulse | head`, a closed terminal) turns the writer silent instead of
// crashing the pulse mid-beat. The beat's work matters more than its narration.
import { fs } from '../nodeFs.ts';

export interface FdWriter {
  readonly write: (text: string) => void;
  /** True once a write failed for good (EPIPE, EBADF, …): later writes are dropped. */
  readonly isClosed: () => boolean;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `buf`; returns the error that stopped it (EPIPE, EBADF, …), or null. */
export function writeFully(fd: number, buf: Buffer): NodeJS.ErrnoException | null {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off);
    } catch (e) {
      // A non-blocking pipe that is full: wait a moment for the reader, not a spin.
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 5);
        continue;
      }
      return e as NodeJS.ErrnoException;
    }
  }
  return null;
}

export function fdWriter(fd: number): FdWriter {
  let closed = false;
  const write = (text: string): void => {
    if (closed || text === '') return;
    if (writeFully(fd, Buffer.from(text)) !== null) closed = true;
  };
  return { write, isClosed: () => closed };
}
