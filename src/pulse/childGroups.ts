// The decider and the sensors run in process groups of their own (so a deadline can
// end everything they forked), which also puts them out of reach of the signal that
// ends the pulse's session. The pulse keeps a list of the groups it started, and a
// pulse told to go (`looop down`'s SIGHUP) takes them with it: a decider left running
// would keep spending after the loop is down.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import type { SpawnFn } from '../decide/runner.ts';
import { hasErrno } from '../errors.ts';
import type { SensorSpawner } from '../sensors/spawner.ts';

const live = new Set<number>();

function track(pid: number | null | undefined, done: Promise<unknown>): void {
  if (pid === null || pid === undefined) return;
  live.add(pid);
  void done.then(() => live.delete(pid));
}

/** SIGKILLs every group the pulse started that has not ended yet. */
export function killChildGroups(): void {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch (e) {
      if (!hasErrno(e, 'ESRCH', 'EPERM')) throw e;
    }
  }
  live.clear();
}

export function trackedRunnerSpawn(base: SpawnFn = nodeSpawn as SpawnFn): SpawnFn {
  return (file: string, args: readonly string[], options: SpawnOptions): ChildProcess => {
    const child = base(file, args, options);
    track(child.pid, new Promise((resolve) => child.once('exit', resolve)));
    return child;
  };
}

export function trackedSensorSpawner(base: SensorSpawner): SensorSpawner {
  return {
    spawn(req) {
      const p = base.spawn(req);
      track(p.pid, p.exit);
      return p;
    },
  };
}
