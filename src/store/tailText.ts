// The end of a captured output file as text, for a record or a prompt: only the last
// characters matter (an exit message, a failing test), and the file may be huge.
import { fs } from '../nodeFs.ts';

/** The last `max` characters of a file, decoded lossily (reads at most 4 bytes per character). */
export function tailChars(file: string, max: number): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const len = Math.min(size, max * 4);
    const buf = Buffer.alloc(len);
    const n = fs.readSync(fd, buf, 0, len, size - len);
    const text = buf.subarray(0, n).toString('utf8');
    return text.length > max ? text.slice(text.length - max) : text;
  } finally {
    fs.closeSync(fd);
  }
}
