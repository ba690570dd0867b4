// Environment mistakes (a read-only or full data dir, no permission, a data dir that
// is a file) are not bugs: every verb reports them the same way, chosen here by the
// errno code of the failed call and the path it names, never by message text.
import path from 'node:path';
import { fs } from '../nodeFs.ts';
import { hasErrno } from '../errors.ts';
import { resolvePaths } from '../paths.ts';

const CODES = ['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EEXIST', 'ENOTDIR'] as const;

function within(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The nearest existing ancestor-or-self of `p` that is not a directory. */
function nonDirectoryOn(p: string): string | null {
  for (let cur = p; ; cur = path.dirname(cur)) {
    try {
      if (!fs.statSync(cur).isDirectory()) return cur;
    } catch {
      // missing or unreachable: look further up
    }
    if (path.dirname(cur) === cur) return null;
  }
}

/**
 * Why a recursive mkdir under `p` failed. Node reports ENOENT when the real error
 * was EROFS or EACCES (it stats the path after the failure), so ask the nearest
 * existing ancestor whether it can be written.
 */
function mkdirFailure(p: string): unknown {
  for (let cur = path.dirname(p); ; cur = path.dirname(cur)) {
    if (fs.existsSync(cur)) {
      try {
        fs.accessSync(cur, fs.constants.W_OK);
        return null;
      } catch (e) {
        return e;
      }
    }
    if (path.dirname(cur) === cur) return null;
  }
}

/**
 * One `looop: …` line (with its next step) for a system error on the data dir or the
 * config file, or null when `e` is something else (a bug, shown with its stack).
 */
export function environmentProblem(e: unknown, env: NodeJS.ProcessEnv, cwd: string): string | null {
  if (hasErrno(e, 'ENOENT') && (e as NodeJS.ErrnoException).syscall === 'mkdir') {
    const p = (e as NodeJS.ErrnoException).path;
    const real = p === undefined ? null : mkdirFailure(p);
    return real === null ? null : environmentProblem(real, env, cwd);
  }
  // A domain error may wrap the system error it met (its `cause`).
  if (!hasErrno(e, ...CODES)) return e instanceof Error && e.cause !== undefined ? environmentProblem(e.cause, env, cwd) : null;
  const err = e as NodeJS.ErrnoException & { dest?: string };
  let dataDir: string;
  let configPath: string;
  try {
    ({ dataDir, configPath } = resolvePaths(env, cwd));
  } catch {
    return null;
  }
  const full = `no space left on the device (or the disk quota is used up) — free some space (df -h ${dataDir}), then retry`;
  // write(2) and fsync(2) on a descriptor report no path; only data-dir files are written that way.
  if (err.path === undefined && (err.code === 'ENOSPC' || err.code === 'EDQUOT')) return `looop: cannot write under ${dataDir}: ${full}`;
  const target = [err.path, err.dest].find((p): p is string => typeof p === 'string' && (within(dataDir, p) || within(p, dataDir) || p === configPath));
  if (target === undefined) return null;
  // A write fails in the directory that holds the file (or the directory being made).
  const dir = err.syscall === 'scandir' || err.syscall === 'opendir' || err.syscall === 'access' ? target : path.dirname(target);
  const elsewhere = 'or point LOOOP_DATA_DIR at another directory';
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return `looop: permission denied in ${dir} — make the data dir ${dataDir} yours and writable (ls -ld ${dir}), ${elsewhere}`;
    case 'EROFS':
      return `looop: cannot write in ${dir}: the filesystem is read-only — remount it read-write, ${elsewhere} on a writable filesystem`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `looop: cannot write in ${dir}: ${full}`;
    default: {
      // EEXIST is only ours to explain when a directory could not be made over a file.
      if (err.code === 'EEXIST' && err.syscall !== 'mkdir') return null;
      const blocker = nonDirectoryOn(target);
      if (blocker === null) return null;
      if (blocker === dataDir) return `looop: the data dir ${dataDir} is a file, not a directory — point LOOOP_DATA_DIR at a directory, or move the file aside`;
      return `looop: ${blocker} is not a directory, but looop needs one there (for ${target}) — move it aside and retry`;
    }
  }
}
