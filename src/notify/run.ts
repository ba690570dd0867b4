// Runs one notifier: `sh -c <notify_command>` detached in a process group of its own,
// the event as JSON on stdin (from a file) and as LOOOP_* variables. Never awaited by the beat: the
// outcome arrives later as one log line, and a notifier still running at its deadline
// (LOOOP_NOTIFY_TIMEOUT_SECS) loses its whole group. Not registered with childGroups:
// a notification under way when the pulse is told to go is allowed to finish.
import { spawn } from 'node:child_process';
import { fs } from '../nodeFs.ts';
import { killGroup } from '../proc/killGroup.ts';
import { writeAtomic } from '../store/fsio.ts';
import { neutralize } from '../terminalText.ts';

export const DEFAULT_NOTIFY_TIMEOUT_S = 30;
const ERR_TAIL_BYTES = 2048;

export type NotifyOutcome =
  | { readonly kind: 'ok' }
  | { readonly kind: 'failed'; readonly problem: string };

export interface NotifyRun {
  readonly command: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: string;
  readonly timeoutS: number;
  /** Receives the notifier's stderr; read for the failure line, removed after. */
  readonly errFile: string;
  /** Holds the event for its stdin, removed after. A file, not a pipe: the notifier reads it whole even if the pulse is gone. */
  readonly inFile: string;
}

/** The deadline in seconds: LOOOP_NOTIFY_TIMEOUT_SECS, a whole number ≥ 1. */
export function notifyTimeoutS(env: NodeJS.ProcessEnv, warn: (key: string, msg: string) => void): number {
  const raw = env.LOOOP_NOTIFY_TIMEOUT_SECS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_NOTIFY_TIMEOUT_S;
  if (/^\d+$/.test(raw) && Number(raw) >= 1) return Number(raw);
  warn('env:LOOOP_NOTIFY_TIMEOUT_SECS', `LOOOP_NOTIFY_TIMEOUT_SECS=${JSON.stringify(raw)} is not a whole number of seconds ≥ 1 — using ${DEFAULT_NOTIFY_TIMEOUT_S}`);
  return DEFAULT_NOTIFY_TIMEOUT_S;
}

function lastLine(file: string): string {
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, ERR_TAIL_BYTES);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      const lines = buf.toString('utf8').split('\n').map((l) => l.trim()).filter(Boolean);
      return lines.length === 0 ? '' : neutralize(lines[lines.length - 1]!.slice(0, 200));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** Starts the notifier and returns at once; `done` is called exactly once, later. */
export function startNotifier(run: NotifyRun, done: (o: NotifyOutcome) => void): void {
  let errFd: number | 'ignore' = 'ignore';
  let inFd: number | 'ignore' = 'ignore';
  try {
    errFd = fs.openSync(run.errFile, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW, 0o600);
  } catch {
    // No stderr capture is no reason to lose the notification.
  }
  try {
    writeAtomic(run.inFile, run.stdin);
    inFd = fs.openSync(run.inFile, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    // Without the file the variables still carry the event.
  }
  let settled = false;
  const finish = (o: NotifyOutcome): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    const said = lastLine(run.errFile);
    for (const f of [run.errFile, run.inFile]) {
      try {
        fs.rmSync(f, { force: true });
      } catch {}
    }
    done(o.kind === 'failed' && said !== '' ? { kind: 'failed', problem: `${o.problem}: ${said}` } : o);
  };
  let timer: NodeJS.Timeout | undefined;
  try {
    const child = spawn('/bin/sh', ['-c', run.command], { cwd: run.cwd, env: run.env, detached: true, stdio: [inFd, 'ignore', errFd] });
    timer = setTimeout(() => {
      if (child.pid !== undefined) killGroup(child.pid);
      finish({ kind: 'failed', problem: `still running after ${run.timeoutS}s (LOOOP_NOTIFY_TIMEOUT_SECS) — killed its process group` });
    }, run.timeoutS * 1000);
    // Neither the child nor its deadline keeps a stopping pulse alive.
    timer.unref();
    child.unref();
    child.once('error', (e) => finish({ kind: 'failed', problem: `could not start (${e.message})` }));
    child.once('exit', (code, signal) => {
      if (code === 0) finish({ kind: 'ok' });
      else finish({ kind: 'failed', problem: signal !== null ? `ended by ${signal}` : `exited ${code ?? '?'}` });
    });
  } catch (e) {
    finish({ kind: 'failed', problem: `could not start (${(e as Error).message})` });
  } finally {
    for (const fd of [errFd, inFd]) if (typeof fd === 'number') fs.closeSync(fd);
  }
}
