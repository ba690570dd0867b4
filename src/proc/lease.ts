// A lease is how a process proves it is alive to processes that cannot see it in
// their own /proc: another PID namespace (a container bind-mounting the data dir),
// or later another machine on a shared filesystem. It is a file in the data dir
// whose mtime the owner refreshes at a low rate; whoever can read the data dir can
// judge it. Node has no flock, so freshness stands in for "the kernel still holds it".
//
//   <data dir>/.lock/leases/<boot id>.<pid namespace inode>.<pid>.<start ticks>
//
// The owner writes it before it publishes its identity anywhere, touches it every
// TTL/4, and removes it when it exits normally. A judge counts it alive while its
// mtime is at most one TTL old. Files far past their TTL (a SIGKILLed owner) are
// swept whenever a new lease is taken. Owner and judge must share a clock (one
// kernel does; machines on a shared filesystem need NTP within a fraction of the TTL).
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import { hasErrno } from '../errors.ts';

/** The parts of a process identity a lease is named by (structurally a ProcessIdentity). */
export interface LeaseOwner {
  readonly pid: number;
  readonly start: string | null;
  readonly pidns?: number;
  readonly boot?: string;
}

export interface Lease {
  /** Stops renewing and removes the file once every holder in this process released it. */
  release(): void;
}

const DEFAULT_TTL_MS = 60_000;
const MIN_TTL_MS = 200;
/** A lease this many TTLs old has certainly lost its owner: sweep it. */
const SWEEP_TTLS = 10;
const BOOT_ID = /^[0-9a-f-]{8,64}$/;

/**
 * How long a lease counts as fresh. `LOOOP_LEASE_TTL_MS` overrides it FOR TESTS ONLY:
 * owners renew every TTL/4, and judges use their own value, so a test can make a
 * killed owner's lease expire in a second without touching real deployments.
 */
export function leaseTtlMs(): number {
  const raw = process.env.LOOOP_LEASE_TTL_MS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_TTL_MS;
  const n = Number(raw);
  return Number.isInteger(n) && n >= MIN_TTL_MS ? n : DEFAULT_TTL_MS;
}

export function leaseDir(lockDir: string): string {
  return path.join(lockDir, 'leases');
}

/** The lease file's name, or null when the identity has no place (or is malformed: never a path from bad input). */
export function leaseName(id: LeaseOwner): string | null {
  const { pid, start, pidns, boot } = id;
  if (pidns === undefined || boot === undefined || !BOOT_ID.test(boot)) return null;
  if (!Number.isInteger(pidns) || pidns <= 0 || !Number.isInteger(pid) || pid <= 0) return null;
  if (start !== null && !/^\d+$/.test(start)) return null;
  return `${boot}.${pidns}.${pid}.${start ?? '-'}`;
}

/** Whether the owner's lease was renewed within one TTL of `nowMs`. Never follows a symlink. */
export function leaseFresh(lockDir: string, id: LeaseOwner, nowMs: number): boolean {
  const name = leaseName(id);
  if (name === null) return false;
  const st = fs.lstatSync(path.join(leaseDir(lockDir), name), { throwIfNoEntry: false });
  return st !== undefined && st.isFile() && nowMs - st.mtimeMs <= leaseTtlMs();
}

interface Held {
  count: number;
  readonly timer: NodeJS.Timeout;
}

const held = new Map<string, Held>();
let exitHookSet = false;

function writeLease(file: string, body: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const c = fs.constants;
  const fd = fs.openSync(file, c.O_WRONLY | c.O_CREAT | c.O_TRUNC | c.O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, body);
  } finally {
    fs.closeSync(fd);
  }
}

function renew(file: string, body: string): void {
  try {
    const now = new Date();
    fs.lutimesSync(file, now, now);
  } catch (e) {
    try {
      // Swept while we were stopped for longer than the sweep age: take it again.
      if (hasErrno(e, 'ENOENT')) writeLease(file, body);
    } catch {
      // A data dir we cannot write: judges elsewhere will see us as gone; retry next period.
    }
  }
}

const NO_LEASE: Lease = { release: () => undefined };

/**
 * Holds this process's lease in `lockDir` until every caller released it (or the
 * process exits normally). A process without a place (no /proc) has no lease: its
 * identity is judged by /proc, as before. The timer is unref'd: it never keeps a
 * process alive and wakes it once per TTL/4.
 */
export function holdLease(lockDir: string, self: LeaseOwner): Lease {
  const name = leaseName(self);
  if (name === null) return NO_LEASE;
  const file = path.join(leaseDir(lockDir), name);
  let h = held.get(file);
  if (h === undefined) {
    const body = `${JSON.stringify({ v: 1, pid: self.pid, start: self.start, pidns: self.pidns, boot: self.boot, since: new Date().toISOString() })}\n`;
    writeLease(file, body);
    sweepLeases(lockDir, Date.now());
    const timer = setInterval(() => renew(file, body), Math.max(1, Math.floor(leaseTtlMs() / 4)));
    timer.unref();
    h = { count: 0, timer };
    held.set(file, h);
    if (!exitHookSet) {
      exitHookSet = true;
      process.once('exit', dropAll);
    }
  }
  h.count += 1;
  const mine = h;
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      mine.count -= 1;
      if (mine.count > 0 || held.get(file) !== mine) return;
      clearInterval(mine.timer);
      held.delete(file);
      removeQuietly(file);
    },
  };
}

function dropAll(): void {
  for (const [file, h] of held) {
    clearInterval(h.timer);
    removeQuietly(file);
  }
  held.clear();
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // already swept, or the data dir is gone
  }
}

/** Removes leases (and debris) far past their TTL; returns how many went. */
export function sweepLeases(lockDir: string, nowMs: number): number {
  const dir = leaseDir(lockDir);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  const cutoff = nowMs - SWEEP_TTLS * leaseTtlMs();
  let removed = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (st === undefined || st.isDirectory() || st.mtimeMs >= cutoff || held.has(file)) continue;
    try {
      fs.unlinkSync(file);
      removed += 1;
    } catch (e) {
      if (!hasErrno(e, 'ENOENT', 'EACCES', 'EPERM', 'EROFS')) throw e;
    }
  }
  return removed;
}
