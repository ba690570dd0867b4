// The decider, the sensors, verify commands and run_shell each run in a process group of
// their own (so a deadline can end everything they forked), which also puts them out
// of reach of the signal that ends the pulse's session. Each registers its group here
// while it runs, so a pulse told to go at once (`looop down`'s SIGHUP) can take them
// with it: a decider left running would keep spending after the loop is down. Session
// hosts are deliberately not registered: workers outlive the pulse that started them.
import { killGroup } from './killGroup.ts';

const live = new Set<number>();

/** Records a group (by its leader's pid) until `done` settles. */
export function registerGroup(pid: number | null | undefined, done: Promise<unknown>): void {
  if (pid === null || pid === undefined) return;
  live.add(pid);
  void done.finally(() => live.delete(pid));
}

/** SIGKILLs every registered group that has not ended yet. */
export function killRegisteredGroups(): void {
  for (const pid of live) killGroup(pid);
  live.clear();
}
