// The one way looop reads a file from the data dir. Humans, editors and agents
// write there, so every file is hostile input: it is opened without following a
// symlink and without blocking (a FIFO or a device would hang a plain open or
// read), it must be a regular file, and no more than `maxBytes` are ever read, so
// a file that grows while we read it cannot blow past the limit.
import { fs } from '../nodeFs.ts';
import { hasErrno } from '../errors.ts';

export type RefusedReason = 'symlink' | 'not-regular' | 'too-big' | 'unreadable';

export type DataFileRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ok'; readonly bytes: Buffer; readonly mtimeMs: number; readonly dev: number; readonly ino: number }
  | { readonly kind: 'refused'; readonly file: string; readonly reason: RefusedReason; readonly problem: string };

/** Records, tells, locks, configs: nothing looop writes itself comes near this. */
export const DEFAULT_MAX_BYTES = 1 << 20;

const OPEN_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;
const CHUNK = 64 * 1024;

function refused(file: string, reason: RefusedReason, problem: string): DataFileRead {
  return { kind: 'refused', file, reason, problem };
}

function typeName(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** Reads `file` under the data-dir policy. Never throws for anything the file itself is or holds. */
export function readDataFile(file: string, maxBytes: number = DEFAULT_MAX_BYTES): DataFileRead {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return { kind: 'absent' };
    // O_NOFOLLOW on a symlink fails with ELOOP (EMLINK on some BSDs).
    if (hasErrno(e, 'ELOOP', 'EMLINK')) return refused(file, 'symlink', 'is a symbolic link; looop reads only regular files here');
    if (hasErrno(e, 'ENXIO', 'EOPNOTSUPP')) return refused(file, 'not-regular', 'is a socket or device; looop reads only regular files here');
    if (hasErrno(e, 'ENOTDIR')) return { kind: 'absent' };
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return refused(file, 'unreadable', `cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return refused(file, 'not-regular', `is ${typeName(st)}; looop reads only regular files here`);
    if (st.size > maxBytes) return refused(file, 'too-big', `is ${st.size} bytes, too big (the limit here is ${maxBytes})`);
    // Read until EOF, but never past the limit: the file may grow while we read.
    let buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        if (len > maxBytes) break;
        const bigger = Buffer.allocUnsafe(Math.min(buf.length + Math.max(CHUNK, buf.length), maxBytes + 1));
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
    }
    if (len > maxBytes) return refused(file, 'too-big', `is more than ${maxBytes} bytes, too big (the limit here is ${maxBytes})`);
    return { kind: 'ok', bytes: buf.subarray(0, len), mtimeMs: st.mtimeMs, dev: st.dev, ino: st.ino };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return refused(file, 'unreadable', `cannot be read (${code === 'EISDIR' ? 'a directory' : code})`);
  } finally {
    fs.closeSync(fd);
  }
}
