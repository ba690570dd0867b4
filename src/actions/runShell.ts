// run_shell (reference §8.12): one shell command, run as `bash -c` in the data dir
// with no stdin, as the leader of its own process group, stdout and stderr merged
// into a temp file, under a deadline that kills the whole group. Its tail is kept in
// `.last-shell.json` for the next decide prompt (shown once, then consumed).
import { registerGroup } from '../proc/childGroups.ts';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { LooopError } from '../errors.ts';
import { fs } from '../nodeFs.ts';
import { readDataFile } from '../store/dataFile.ts';
import { ensureDir, writeAtomic } from '../store/fsio.ts';
import type { LastShell } from '../decide/prompt.ts';
import { denialMessage, deniedShape } from './shellGuard.ts';
import { allowDangerous, shellTimeoutSecs } from './knobs.ts';
import { killGroup } from '../proc/killGroup.ts';
import { tailChars } from '../store/tailText.ts';

export const LAST_SHELL_FILE = '.last-shell.json';
/** What `.last-shell.json` keeps of the output, and what a failure names of it. */
export const LAST_SHELL_OUTPUT_CHARS = 2048;
export const FAILURE_OUTPUT_CHARS = 512;
const MAX_LAST_SHELL_BYTES = 4 << 20;

export interface ShellRun {
  readonly cmd: string;
  /** -1 when it was killed (by the deadline or a signal). */
  readonly exitCode: number;
  readonly timedOut: boolean;
  /** The last LAST_SHELL_OUTPUT_CHARS characters of the merged output. */
  readonly output: string;
}

export function lastShellFile(ctx: Ctx): string {
  return path.join(ctx.paths.dataDir, LAST_SHELL_FILE);
}


/** Runs the command (no deny-list here: see runShellAction). Never throws for the command's own failure. */
export async function runShellCommand(ctx: Ctx, cmd: string, timeoutSecs: number): Promise<ShellRun> {
  ensureDir(ctx.paths.dataDir);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'looop-shell-'));
  const outFile = path.join(dir, 'output');
  try {
    const fd = fs.openSync(outFile, 'w', 0o600);
    let exit: { code: number | null; signal: NodeJS.Signals | null; error: string | null };
    let timedOut = false;
    try {
      const child = spawn('bash', ['-c', '--', cmd], { cwd: ctx.paths.dataDir, env: ctx.env, detached: true, stdio: ['ignore', fd, fd] });
      registerGroup(child.pid, new Promise((resolve) => child.once('exit', resolve)));
      exit = await new Promise((resolve) => {
        const timer =
          timeoutSecs > 0
            ? setTimeout(() => {
                timedOut = true;
                if (child.pid !== undefined) killGroup(child.pid);
              }, timeoutSecs * 1000)
            : null;
        child.once('error', (e) => {
          if (timer !== null) clearTimeout(timer);
          resolve({ code: null, signal: null, error: e.message });
        });
        child.once('exit', (code, signal) => {
          if (timer !== null) clearTimeout(timer);
          resolve({ code, signal, error: null });
        });
      });
    } finally {
      fs.closeSync(fd);
    }
    let output = tailChars(outFile, LAST_SHELL_OUTPUT_CHARS);
    const note =
      exit.error !== null
        ? `could not start bash: ${exit.error}`
        : timedOut
          ? `timed out after ${timeoutSecs}s (LOOOP_SHELL_TIMEOUT_SECS) — process group killed`
          : exit.signal !== null
            ? `killed by ${exit.signal}`
            : null;
    if (note !== null) output = `${output}${output === '' || output.endsWith('\n') ? '' : '\n'}${note}`.slice(-LAST_SHELL_OUTPUT_CHARS);
    const exitCode = exit.code !== null && !timedOut ? exit.code : -1;
    return { cmd, exitCode, timedOut, output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Persists the run for the next prompt; a failure is warned about, never thrown (the command already ran). */
export function writeLastShell(ctx: Ctx, run: ShellRun): boolean {
  const record = { v: 1, ts: unixSeconds(ctx.now()), cmd: run.cmd, exit_code: run.exitCode, output: run.output };
  try {
    writeAtomic(lastShellFile(ctx), `${JSON.stringify(record)}\n`);
    return true;
  } catch (e) {
    ctx.warn('last-shell', `could not write ${LAST_SHELL_FILE} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the next prompt will not show this command's output`);
    return false;
  }
}

/** The refusal for a command the deny-list stops, or null to run it. */
export function shellRefusal(ctx: Ctx, cmd: string): LooopError | null {
  if (allowDangerous(ctx)) return null;
  const shape = deniedShape(cmd);
  return shape === null ? null : new LooopError('REFUSED', denialMessage(shape));
}

/** The failure text of §8.12: exit code, reason or command, the partial-run hint, the output's tail. */
export function shellFailure(run: ShellRun, reason: string | undefined): LooopError {
  const why = reason?.trim() || run.cmd;
  const partial = run.timedOut ? ' — the command may have partially executed; verify its side effects before retrying' : '';
  const tail = run.output.slice(-FAILURE_OUTPUT_CHARS);
  return new LooopError(run.timedOut ? 'TIMEOUT' : 'ACTION_FAILED', `run_shell exited ${run.exitCode}: ${why}${partial}${tail === '' ? '' : `\n${tail}`}`);
}

export { shellTimeoutSecs };

function isLastShell(v: unknown): v is { cmd: string; exit_code: number; output: string } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o.cmd === 'string' && Number.isInteger(o.exit_code) && typeof o.output === 'string' && (o.v === undefined || typeof o.v === 'number');
}

export type LastShellRead = { readonly lastShell: LastShell | null; readonly problem: string | null };

/** `.last-shell.json` as the prompt's LastShell; absent → null; a bad file → null plus one line naming it. */
export function readLastShell(ctx: Ctx): LastShellRead {
  const file = lastShellFile(ctx);
  const r = readDataFile(file, MAX_LAST_SHELL_BYTES);
  if (r.kind === 'absent') return { lastShell: null, problem: null };
  const skip = 'the RUN_SHELL OUTPUT section is left out until the next run_shell replaces it';
  if (r.kind === 'refused') return { lastShell: null, problem: `${file} ${r.problem}; ${skip}` };
  let v: unknown;
  try {
    v = JSON.parse(r.bytes.toString('utf8'));
  } catch {
    return { lastShell: null, problem: `${file} is not valid JSON; ${skip}` };
  }
  if (!isLastShell(v)) return { lastShell: null, problem: `${file} does not hold {cmd, exit_code, output}; ${skip}` };
  return { lastShell: { cmd: v.cmd, exitCode: v.exit_code, output: v.output }, problem: null };
}
