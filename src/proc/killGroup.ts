// Ending a whole process group: the deadline of a decider, a sensor, a verify command
// or a run_shell, and a pulse told to go. A group already gone (or no longer ours to
// signal) is already what we wanted.
import { hasErrno } from '../errors.ts';

export function killGroup(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    if (!hasErrno(e, 'ESRCH', 'EPERM')) throw e;
  }
}
