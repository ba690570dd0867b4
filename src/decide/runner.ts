// Runs the decider once: the configured `tick_command` under bash, in the data dir,
// in its own process group, with stdout and stderr merged into one stream of lines
// for the replay archive. The prompt reaches it as a shell-quoted path where the
// command says `{{prompt_file}}`, else on stdin. A deadline kills the whole group.
// The spawner and the timers are injected so the beat can be driven by fakes.
import { spawn as nodeSpawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { fs } from '../nodeFs.ts';
import { registerGroup } from '../proc/childGroups.ts';
import { fillPromptFile, hasPromptPlaceholder } from '../sessions/workerCommand.ts';
import { openRunTee, type RunTeeFiles, type TeeOptions, type TeeProblem } from './tee.ts';
import { killGroup } from '../proc/killGroup.ts';

export type SpawnFn = (file: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface Timers {
  readonly set: (fn: () => void, ms: number) => unknown;
  readonly clear: (handle: unknown) => void;
}

/** How long output may keep draining after the runner itself has exited. */
const DRAIN_GRACE_MS = 2000;

const REAL_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface RunnerSpec {
  readonly tickCommand: string;
  readonly promptFile: string;
  readonly dataDir: string;
  /** 0 means no deadline (LOOOP_TICK_TIMEOUT_SECS=0). */
  readonly deadlineMs: number;
  readonly env: NodeJS.ProcessEnv;
  /** Each output line (stdout and stderr merged, decoded leniently), for the renderers. */
  readonly onLine?: (line: string) => void;
  readonly spawn?: SpawnFn;
  readonly timers?: Timers;
  readonly now?: () => number;
}

export type RunnerResult =
  | { readonly kind: 'ok'; readonly pid: number; readonly durationMs: number }
  | { readonly kind: 'prompt-unreadable' | 'spawn-failed'; readonly cause: string; readonly durationMs: number }
  | { readonly kind: 'timed-out' | 'exited'; readonly pid: number; readonly cause: string; readonly durationMs: number };

/** The bash script for a tick command: the prompt path filled in, stderr merged into stdout. */
export function runnerScript(tickCommand: string, promptFile: string): string {
  const cmd = hasPromptPlaceholder(tickCommand) ? fillPromptFile(tickCommand, promptFile) : tickCommand;
  // The brace closes on its own line so a command ending in a `# comment` keeps it.
  return `{ ${cmd}\n} 2>&1`;
}

/** A runner that never prints a newline must not grow the pulse's memory without bound. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** Splits a byte stream into lines (a longer one in MAX_LINE_BYTES pieces); invalid UTF-8 becomes U+FFFD, never an error. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let pending: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let nl: number;
      while ((nl = pending.indexOf(0x0a)) >= 0 || pending.length >= MAX_LINE_BYTES) {
        const end = nl >= 0 && nl < MAX_LINE_BYTES ? nl : MAX_LINE_BYTES;
        onLine(pending.subarray(0, end).toString('utf8').replace(/\r$/, ''));
        pending = pending.subarray(end === nl ? end + 1 : end);
      }
    },
    end() {
      if (pending.length > 0) onLine(pending.toString('utf8'));
      pending = Buffer.alloc(0);
    },
  };
}

export function runDecider(spec: RunnerSpec): Promise<RunnerResult> {
  const now = spec.now ?? Date.now;
  const timers = spec.timers ?? REAL_TIMERS;
  const started = now();
  const elapsed = () => now() - started;
  const usesPath = hasPromptPlaceholder(spec.tickCommand);

  let stdinFd: number | null = null;
  if (!usesPath) {
    try {
      stdinFd = fs.openSync(spec.promptFile, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      return Promise.resolve({ kind: 'prompt-unreadable', cause: `cannot open the decide prompt ${spec.promptFile} (${code})`, durationMs: elapsed() });
    }
  }

  let child: ChildProcess;
  try {
    child = (spec.spawn ?? nodeSpawn)('bash', ['-c', runnerScript(spec.tickCommand, spec.promptFile)], {
      cwd: spec.dataDir,
      env: spec.env,
      detached: true, // its own process group, so the deadline can end every descendant
      stdio: [stdinFd ?? 'ignore', 'pipe', 'ignore'],
    });
  } catch (e) {
    if (stdinFd !== null) fs.closeSync(stdinFd);
    return Promise.resolve({ kind: 'spawn-failed', cause: `cannot start the tick runner: ${(e as Error).message}`, durationMs: elapsed() });
  }
  if (stdinFd !== null) fs.closeSync(stdinFd); // the child holds its own copy
  registerGroup(child.pid, new Promise((resolve) => child.once('exit', resolve)));

  return new Promise((resolve) => {
    let timedOut = false;
    let settled = false;
    const lines = spec.onLine !== undefined ? lineSplitter(spec.onLine) : null;
    const timer = spec.deadlineMs > 0 ? timers.set(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, spec.deadlineMs) : null;
    const finish = (r: RunnerResult) => {
      if (settled) return;
      settled = true;
      if (timer !== null) timers.clear(timer);
      lines?.end();
      resolve(r);
    };
    child.stdout?.on('data', (chunk: Buffer) => lines?.push(chunk));
    child.on('error', (e) => finish({ kind: 'spawn-failed', cause: `cannot start the tick runner: ${e.message}`, durationMs: elapsed() }));
    child.on('exit', (code, signal) => {
      const pid = child.pid as number;
      // The runner's beat is over: whatever it left running in its group goes too,
      // and nothing keeps the output pipe open after that.
      killGroup(pid);
      const settle = () => {
        const durationMs = elapsed();
        if (code === 0) return finish({ kind: 'ok', pid, durationMs });
        if (timedOut) return finish({ kind: 'timed-out', pid, cause: `timed out after ${Math.round(spec.deadlineMs / 1000)}s (LOOOP_TICK_TIMEOUT_SECS); its process group was killed`, durationMs });
        const status = signal !== null ? `killed by ${signal}` : `exit ${code}`;
        return finish({ kind: 'exited', pid, cause: `the tick runner failed (${status})`, durationMs });
      };
      const out = child.stdout;
      if (out === null || out.readableEnded || out.destroyed) return settle();
      // A straggler that left the group (setsid) may still hold the pipe: read what is
      // buffered, but never wait on it past a short grace.
      const grace = timers.set(() => out.destroy(), DRAIN_GRACE_MS);
      out.once('close', () => {
        timers.clear(grace);
        settle();
      });
    });
  });
}

export interface TeedResult {
  readonly result: RunnerResult;
  /** Archive sinks that failed (each once); the run itself is unaffected. */
  readonly teeProblems: readonly TeeProblem[];
}

/**
 * `runDecider` with its output archived: `<runDir>/output.log` and `tick.log` are
 * started afresh before the runner starts, every line is rendered into both (and
 * handed to `tee.onRendered`), and `spec.onLine` still sees each raw line.
 */
export async function runDeciderTeed(spec: RunnerSpec, tee: RunTeeFiles & TeeOptions): Promise<TeedResult> {
  const sink = openRunTee(tee, tee);
  const onLine = spec.onLine;
  const result = await runDecider({
    ...spec,
    onLine: (line) => {
      sink.line(line);
      onLine?.(line);
    },
  });
  return { result, teeProblems: sink.close() };
}
