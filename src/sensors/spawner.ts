// How a sensor script becomes a process: the one seam the pulse's tests can replace.
// The real spawner starts the script directly (its exec bit and shebang decide the
// interpreter) as the leader of a new process group, so a deadline can kill the
// script and everything it forked in one signal.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { killGroup } from '../proc/killGroup.ts';
import { registerGroup } from '../proc/childGroups.ts';

export type SensorExit =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signo: number }
  | { readonly kind: 'spawn-failed'; readonly message: string };

export interface SensorProcess {
  /** The group leader's pid, or null when the spawn failed. */
  readonly pid: number | null;
  readonly exit: Promise<SensorExit>;
  /** SIGKILL to the whole process group (the script and every descendant that stayed in it). */
  killGroup(): void;
}

export interface SpawnRequest {
  readonly file: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Open descriptors the child writes its stdout and stderr to. */
  readonly stdoutFd: number;
  readonly stderrFd: number;
}

export interface SensorSpawner {
  spawn(req: SpawnRequest): SensorProcess;
}

function signalNumber(name: NodeJS.Signals): number {
  return constants.signals[name] ?? 0;
}

export const nodeSpawner: SensorSpawner = {
  spawn(req) {
    const child = spawn(req.file, [], {
      cwd: req.cwd,
      env: req.env,
      stdio: ['ignore', req.stdoutFd, req.stderrFd],
      detached: true,
    });
    const exit = new Promise<SensorExit>((resolve) => {
      child.once('error', (e) => resolve({ kind: 'spawn-failed', message: e.message }));
      child.once('exit', (code, signal) => {
        resolve(signal !== null ? { kind: 'signaled', signo: signalNumber(signal) } : { kind: 'exited', code: code ?? 0 });
      });
    });
    const pid = child.pid ?? null;
    registerGroup(pid, exit);
    return {
      pid,
      exit,
      killGroup() {
        if (pid !== null) killGroup(pid);
      },
    };
  },
};
