// Ending a session's whole process group: SIGHUP, a short grace, then SIGKILL,
// and a confirmation that no member is still running (zombies do not count).
// There is no event for "group empty", so confirmation re-checks /proc on a
// short bounded interval; the grace periods are deadlines, not coordination.
import { fs } from '../nodeFs.ts';
import { hasErrno } from '../errors.ts';
import { identityOf, liveGroupMembers } from '../proc/processIdentity.ts';

export interface GroupKillOutcome {
  /** The last signal sent. */
  readonly signal: 'SIGHUP' | 'SIGKILL';
  readonly escalated: boolean;
  /** Every member is gone. */
  readonly confirmed: boolean;
}

export interface GroupKillOptions {
  readonly graceMs?: number;
  readonly killWaitMs?: number;
  /** Resolves when the host sees its child exit, to wake the wait early. */
  readonly leaderExit?: Promise<unknown>;
  /** Only members started at or after this many clock ticks belong to the session (pid reuse guard). */
  readonly notBefore?: string | null;
}

const RECHECK_MS = 10;
/** How long past the grace a member may take to run at all (a loaded machine), before SIGKILL. */
const UNDELIVERED_MAX_MS = 3000;

/**
 * True when SIGHUP is still pending for `pid` and not blocked: sent, but the process has
 * not run since, so it has neither obeyed nor defied it (a busy machine). Linux only.
 */
function hangupUndelivered(pid: number): boolean {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  // Hex signal masks; SIGHUP is signal 1, bit 0.
  const bit = (field: string): boolean => {
    const hex = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'im').exec(status)?.[1];
    return hex !== undefined && (parseInt(hex.slice(-1), 16) & 1) === 1;
  };
  return (bit('SigPnd') || bit('ShdPnd')) && !bit('SigBlk');
}

/** Live members of the group that can belong to the session. */
export function sessionGroupMembers(pgid: number, notBefore: string | null | undefined): number[] {
  const members = liveGroupMembers(pgid);
  if (notBefore === null || notBefore === undefined) return members;
  const floor = BigInt(notBefore);
  return members.filter((pid) => {
    const start = identityOf(pid)?.start;
    return start === null || start === undefined || BigInt(start) >= floor;
  });
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if (!hasErrno(e, 'ESRCH')) throw e;
  }
}

function until(done: () => boolean, ms: number, wake?: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    if (done()) {
      resolve(true);
      return;
    }
    const deadline = Date.now() + ms;
    let timer: NodeJS.Timeout | undefined;
    const check = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      if (done()) resolve(true);
      else if (Date.now() >= deadline) resolve(false);
      else timer = setTimeout(check, Math.min(RECHECK_MS, Math.max(1, deadline - Date.now())));
    };
    timer = setTimeout(check, RECHECK_MS);
    void wake?.then(check);
  });
}

/** SIGHUP the group, escalate to SIGKILL after the grace, and confirm it is empty. */
export async function killGroup(pgid: number, opts: GroupKillOptions = {}): Promise<GroupKillOutcome> {
  const empty = (): boolean => sessionGroupMembers(pgid, opts.notBefore).length === 0;
  signalGroup(pgid, 'SIGHUP');
  if (await until(empty, opts.graceMs ?? 300, opts.leaderExit)) return { signal: 'SIGHUP', escalated: false, confirmed: true };
  // Escalate only against members that got the SIGHUP and lived: one that has not been
  // scheduled since has not had its chance yet.
  const undelivered = (): boolean => sessionGroupMembers(pgid, opts.notBefore).some(hangupUndelivered);
  await until(() => empty() || !undelivered(), UNDELIVERED_MAX_MS, opts.leaderExit);
  if (empty()) return { signal: 'SIGHUP', escalated: false, confirmed: true };
  signalGroup(pgid, 'SIGKILL');
  const confirmed = await until(empty, opts.killWaitMs ?? 4000, opts.leaderExit);
  return { signal: 'SIGKILL', escalated: true, confirmed };
}
