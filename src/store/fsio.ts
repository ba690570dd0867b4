// Small, synchronous file primitives. Sync calls keep the hot verbs cheap (no
// thread-pool hops) and make the ordering of publish steps obvious.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import { nonce } from '../nonce.ts';
import { identityOf, placeTag } from '../proc/processIdentity.ts';
import { leaseTtlMs } from '../proc/lease.ts';
import { LooopError, hasErrno } from '../errors.ts';
import { readDataFile } from './dataFile.ts';

export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

/** A temp name in the same directory: dot-prefixed and `.tmp`-suffixed so listings and watchers skip it. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${nonce()}.tmp`);
}

export function ensureDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (e) {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
    if (!hasErrno(e, 'EINVAL', 'EISDIR', 'EPERM', 'EBADF')) throw e;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeTemp(target: string, data: string | Uint8Array, mode: number, sync = true): string {
  const tmp = tempPathFor(target);
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    if (sync) fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  return tmp;
}

/**
 * temp + fsync + rename + fsync(dir): readers see the old bytes or the new, never a mix.
 * `visibleFirst` renames before the fsyncs, so readers see the new bytes sooner (still
 * whole: the rename is atomic) and they are on disk when this returns, as otherwise.
 * Only for records a power cut makes moot anyway (a live process's state: it dies too).
 */
export function writeAtomic(target: string, data: string | Uint8Array, mode = FILE_MODE, visibleFirst = false): void {
  const tmp = writeTemp(target, data, mode, !visibleFirst);
  try {
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  if (visibleFirst) {
    const fd = fs.openSync(target, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  fsyncDir(path.dirname(target));
}

/**
 * Exclusive create of a complete file: the temp is hard-linked to the target, and
 * link(2) fails with EEXIST if anyone got there first. The file is never visible empty.
 * Returns false when the target already existed.
 */
export function createExclusive(target: string, data: string | Uint8Array, mode = FILE_MODE): boolean {
  return createExclusiveFile(target, data, mode) !== null;
}

/** The identity of a file: it survives renames and hard links, unlike its name. */
export interface FileId {
  readonly dev: number;
  readonly ino: number;
}

/** createExclusive, returning the created file's identity (null when the target existed). */
export function createExclusiveFile(target: string, data: string | Uint8Array, mode = FILE_MODE): FileId | null {
  const tmp = writeTemp(target, data, mode);
  let id: FileId;
  try {
    const st = fs.statSync(tmp);
    id = { dev: st.dev, ino: st.ino };
    fs.linkSync(tmp, target);
  } catch (e) {
    if (hasErrno(e, 'EEXIST')) return null;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  fsyncDir(path.dirname(target));
  return id;
}

/**
 * Reads a data-dir file under the one reading policy (see dataFile.ts), or returns
 * null when it does not exist. A symlink, FIFO, directory, oversized or unreadable
 * file throws BAD_FILE naming it; callers that must carry on use readDataFile.
 */
export function readIfExists(file: string, maxBytes?: number): Buffer | null {
  const r = readDataFile(file, maxBytes);
  if (r.kind === 'absent') return null;
  if (r.kind === 'ok') return r.bytes;
  throw new LooopError('BAD_FILE', `${r.file} ${r.problem}`, { hint: 'move it aside or remove it by hand, then retry' });
}

/** Entry names in a directory, or [] when it does not exist. */
export function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return [];
    throw e;
  }
}

/** Stems of `*.json` entries, skipping dotfiles and temps. Sorted. */
export function listJsonStems(dir: string): string[] {
  const out: string[] = [];
  for (const name of listDir(dir)) {
    if (name.startsWith('.') || !name.endsWith('.json')) continue;
    out.push(name.slice(0, -'.json'.length));
  }
  return out.sort();
}

export function removeIfExists(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return false;
    throw e;
  }
}

// `.<name>.<pid>[-<place tag>].<counter>.<hex>.tmp`, as tempPathFor makes them (no tag: an older looop).
const TEMP_NAME = /^\..+\.(\d+)(?:-([0-9a-f]{8}))?\.\d+\.[0-9a-f]+\.tmp$/;

/**
 * Removes temp files whose writer is gone (killed between writing and publishing).
 * They are never published records, so removing them loses nothing. A writer that
 * lives here is judged by /proc; one from another namespace or machine (its tag is
 * not ours) only by age: a temp lives for one write, so one lease TTL is plenty.
 */
export function sweepDeadTemps(dir: string, names: readonly string[] = listDir(dir)): number {
  let removed = 0;
  let here: string | undefined;
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (m === null) continue;
    const file = path.join(dir, name);
    here ??= placeTag();
    if (m[2] === undefined || m[2] === here) {
      const pid = Number(m[1]);
      if (pid === process.pid || identityOf(pid) !== null) continue;
    } else {
      const st = fs.lstatSync(file, { throwIfNoEntry: false });
      if (st === undefined || Date.now() - st.mtimeMs <= leaseTtlMs()) continue;
    }
    try {
      if (removeIfExists(file)) removed += 1;
    } catch (e) {
      // A directory by that name was never one of our temps: not ours to remove.
      if (!hasErrno(e, 'EISDIR', 'EPERM')) throw e;
    }
  }
  return removed;
}
