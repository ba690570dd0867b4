// A process is identified by its pid AND its start time: pids are reused, and a
// zombie still answers kill(pid, 0). On Linux both come from /proc/<pid>/stat.
//
// A pid means something only inside its PID namespace on its kernel, so an identity
// also records where it lives (`pidns`, `boot`). One that lives here is judged by
// /proc; a foreign one (a container, another machine) never is: it is judged by its
// lease in the data dir (lease.ts), or by the age of what it holds. An identity
// without a place (an older looop, or a system without /proc) is judged here, as before.
import { fs } from '../nodeFs.ts';
import { hasErrno } from '../errors.ts';
import { leaseFresh, leaseTtlMs } from './lease.ts';

export interface ProcessIdentity {
  readonly pid: number;
  /** Kernel start time in clock ticks since boot, as a string; null where /proc is missing. */
  readonly start: string | null;
  /** Inode of the PID namespace (readlink /proc/self/ns/pid); with `boot`, or neither. */
  readonly pidns?: number;
  /** /proc/sys/kernel/random/boot_id: which kernel (machine, boot) the namespace is on. */
  readonly boot?: string;
}

export interface Place {
  readonly pidns: number;
  readonly boot: string;
}

interface StatFields {
  readonly state: string;
  readonly start: string;
  readonly pgid: number;
}

function readStat(pid: number): StatFields | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    if (hasErrno(e, 'ENOENT', 'ESRCH', 'EINVAL')) return null;
    throw e;
  }
  // The command name is parenthesised and may itself contain spaces or ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = rest[0] ?? '?';
  const pgid = Number(rest[2]);
  const start = rest[19] ?? '';
  return { state, start, pgid };
}

const hasProc = fs.existsSync('/proc/self/stat');

const BOOT_ID = /^[0-9a-f-]{8,64}$/;

function readPlace(): Place | null {
  if (!hasProc) return null;
  try {
    const ns = /^pid:\[(\d+)\]$/.exec(fs.readlinkSync('/proc/self/ns/pid'));
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    if (ns === null || !BOOT_ID.test(boot)) return null;
    return { pidns: Number(ns[1]), boot };
  } catch {
    return null;
  }
}

let place: Place | null | undefined;

/** Where this process's pids mean something; null where it cannot be told (no /proc). Two syscalls, once. */
export function selfPlace(): Place | null {
  if (place === undefined) place = readPlace();
  return place;
}

let self: ProcessIdentity | undefined;

export function selfIdentity(): ProcessIdentity {
  if (self === undefined) {
    const id = identityOf(process.pid) ?? { pid: process.pid, start: null };
    const here = selfPlace();
    self = here === null ? id : { ...id, pidns: here.pidns, boot: here.boot };
  }
  return self;
}

/** True when this machine's /proc can judge `id`: it lives in our PID namespace on our kernel, or records no place. */
export function isLocal(id: ProcessIdentity): boolean {
  if (id.pidns === undefined && id.boot === undefined) return true;
  const here = selfPlace();
  return here !== null && id.pidns === here.pidns && id.boot === here.boot;
}

/** The same process (pid, start time and place). */
export function sameIdentity(a: ProcessIdentity, b: ProcessIdentity): boolean {
  return a.pid === b.pid && a.start === b.start && a.pidns === b.pidns && a.boot === b.boot;
}

/** The identity of a running local process, or null when it is gone (or a zombie). */
export function identityOf(pid: number): ProcessIdentity | null {
  if (!hasProc) return signalProbe(pid) ? { pid, start: null } : null;
  const st = readStat(pid);
  if (st === null || st.state === 'Z' || st.state === 'X') return null;
  return { pid, start: st.start };
}

function signalProbe(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return hasErrno(e, 'EPERM');
  }
}

/** What a foreign identity can be judged by; `Paths` fits (it has `lockDir`). */
export interface ForeignEvidence {
  /** The data dir's lock dir, where owners keep their leases. */
  readonly lockDir?: string;
  /**
   * When the identity took what it holds (ms since the epoch, e.g. a write token's
   * mtime). Things held for the span of one write count as alive for one lease TTL.
   */
  readonly sinceMs?: number;
}

/**
 * True when the exact process is still running and not a zombie. A local identity is
 * checked in /proc; a foreign one by `evidence` (a fresh lease, or a young hold), and
 * with no evidence at all it counts as alive: death is never declared on nothing.
 */
export function isAlive(id: ProcessIdentity, evidence: ForeignEvidence = {}): boolean {
  if (!Number.isInteger(id.pid) || id.pid <= 0) return false;
  if (!isLocal(id)) return foreignAlive(id, evidence);
  const now = identityOf(id.pid);
  if (now === null) return false;
  return id.start === null || now.start === null || now.start === id.start;
}

function foreignAlive(id: ProcessIdentity, evidence: ForeignEvidence): boolean {
  const { lockDir, sinceMs } = evidence;
  if (lockDir === undefined && sinceMs === undefined) return true;
  const nowMs = Date.now();
  if (sinceMs !== undefined && nowMs - sinceMs <= leaseTtlMs()) return true;
  return lockDir !== undefined && leaseFresh(lockDir, id, nowMs);
}

/**
 * Whether the holder named by a symlink token or gate at `link` still holds it: /proc
 * for a local holder; for a foreign one the link's age, since such a link lives for
 * one write (its creation is its lease, never renewed). A link gone meanwhile is not held.
 */
export function linkHolderAlive(link: string, holder: ProcessIdentity): boolean {
  if (isLocal(holder)) return isAlive(holder);
  const st = fs.lstatSync(link, { throwIfNoEntry: false });
  return st !== undefined && isAlive(holder, { sinceMs: st.mtimeMs });
}

/** `<pid>:<start>`, plus `@<pidns>:<boot>` when the identity has a place: the text of a token or gate symlink. */
export function identityText(id: ProcessIdentity): string {
  const base = `${id.pid}:${id.start ?? ''}`;
  return id.pidns === undefined || id.boot === undefined ? base : `${base}@${id.pidns}:${id.boot}`;
}

/** Parses identityText; null for anything else. */
export function parseIdentityText(text: string): ProcessIdentity | null {
  const m = /^(\d+):(\d*)(?:@(\d+):([0-9a-f-]{8,64}))?$/.exec(text);
  if (m === null) return null;
  const id = { pid: Number(m[1]), start: m[2] === '' ? null : (m[2] ?? null) };
  return m[3] === undefined || m[4] === undefined ? id : { ...id, pidns: Number(m[3]), boot: m[4] };
}

/** An identity read from a JSON record (pid, start, and optionally its place); null when malformed. */
export function identityFromJson(o: unknown): ProcessIdentity | null {
  if (typeof o !== 'object' || o === null) return null;
  const { pid, start, pidns, boot } = o as Record<string, unknown>;
  if (typeof pid !== 'number' || !(typeof start === 'string' || start === null)) return null;
  if (pidns === undefined && boot === undefined) return { pid, start };
  if (typeof pidns !== 'number' || !Number.isInteger(pidns) || pidns <= 0 || typeof boot !== 'string' || !BOOT_ID.test(boot)) return null;
  return { pid, start, pidns, boot };
}

/**
 * A short, stable tag for this process's place, for names that have room for no more
 * (temp files): FNV-1a of boot id and namespace, 8 hex digits. '' without a place.
 */
export function placeTag(): string {
  const here = selfPlace();
  return here === null ? '' : tagOf(here);
}

export function tagOf(p: Place): string {
  let h = 0x811c9dc5;
  const s = `${p.boot}/${p.pidns}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** Members of a process group that are still running (zombies excluded). Linux only; [] elsewhere. */
export function liveGroupMembers(pgid: number): number[] {
  if (!hasProc) return [];
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const st = readStat(pid);
    if (st !== null && st.pgid === pgid && st.state !== 'Z' && st.state !== 'X') out.push(pid);
  }
  return out;
}
