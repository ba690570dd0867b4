// A process is identified by its pid AND its start time: pids are reused, and a
// zombie still answers kill(pid, 0). On Linux both come from /proc/<pid>/stat.
import { fs } from '../nodeFs.ts';
import { hasErrno } from '../errors.ts';

export interface ProcessIdentity {
  readonly pid: number;
  /** Kernel start time in clock ticks since boot, as a string; null where /proc is missing. */
  readonly start: string | null;
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

let self: ProcessIdentity | undefined;

export function selfIdentity(): ProcessIdentity {
  self ??= identityOf(process.pid) ?? { pid: process.pid, start: null };
  return self;
}

/** The identity of a running process, or null when it is gone (or a zombie). */
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

/** True when the exact process (same pid, same start time) is still running and not a zombie. */
export function isAlive(id: ProcessIdentity): boolean {
  if (!Number.isInteger(id.pid) || id.pid <= 0) return false;
  const now = identityOf(id.pid);
  if (now === null) return false;
  return id.start === null || now.start === null || now.start === id.start;
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
