// The one action path (reference §8.12): the pulse's decision and the CLI's verbs
// both come through executeAction. A move is performed (run_shell under its
// write-ahead intent record), then recorded: goal activity stamped, ONE journal line,
// one events.jsonl record. A move that fails records nothing and comes back as a
// typed failure the caller logs (the pulse feeds it to LAST FAILURE).
import type { Ctx } from '../context.ts';
import { LooopError, isLooopError } from '../errors.ts';
import { PULSE_ID, validateId } from '../ids.ts';
import { readDataFile } from '../store/dataFile.ts';
import { ensureDir, removeIfExists, writeAtomic } from '../store/fsio.ts';
import type { StandbyHost } from '../sessions/hostProcess.ts';
import type { KillResult } from '../sessions/killSession.ts';
import type { WorkerStartResult } from '../workers/startWorker.ts';
import type { Decision } from '../decide/decision.ts';
import { applySteering, recordMove } from '../steering/steer.ts';
import { dropSchedule, writeSchedule } from '../schedules/schedules.ts';
import type { Action } from './action.ts';
import { goalOf, kindWord, summary as summaryOf } from './actionWords.ts';
import { lastShellFile, runShellCommand, shellFailure, shellRefusal, shellTimeoutSecs, writeLastShell, type ShellRun } from './runShell.ts';
import { clearIntent, writeIntent } from './wal.ts';

/** run_shell's output is shown on the next beat, so it asks for a quick one. */
export const RUN_SHELL_NEXT_INTERVAL_S = 5;

export interface ActionOptions {
  readonly source: 'cli' | 'pulse';
  readonly runId?: string | undefined;
  /** The journal text (a decision's `journal`, a verb's `--journal`); the summary when blank. */
  readonly journal?: string | undefined;
  /** A session host already booting for a start_worker (the CLI's prewarm); the caller releases it. */
  readonly standby?: StandbyHost | undefined;
}

/** What the move did, for a caller that shows more than the summary. */
export type ActionEffect =
  | { readonly kind: 'none' }
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'shell'; readonly run: ShellRun }
  | { readonly kind: 'worker'; readonly result: WorkerStartResult }
  | { readonly kind: 'kill'; readonly result: KillResult };

export type ActionOutcome =
  | {
      readonly kind: 'ok';
      /** The kind word of §8.12 (`noop`, `shell`, `goal`, …). */
      readonly word: string;
      readonly summary: string;
      /** The journal line's text as written. */
      readonly journal: string;
      /** The move's own follow-up request (5 for run_shell), else null; a decision's value is the caller's. */
      readonly nextIntervalS: number | null;
      readonly effect: ActionEffect;
    }
  | { readonly kind: 'failed'; readonly word: string; readonly error: LooopError };

function asLooopError(a: Action, e: unknown): LooopError {
  if (isLooopError(e)) return e;
  const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
  const target = 'id' in a ? ` ${JSON.stringify(a.id)}` : 'name' in a ? ` ${JSON.stringify(a.name)}` : '';
  return new LooopError('ACTION_FAILED', `${a.action}${target} failed: ${why}`, { cause: e });
}

async function runShell(ctx: Ctx, cmd: string, reason: string | undefined): Promise<ActionEffect> {
  const refused = shellRefusal(ctx, cmd);
  if (refused !== null) throw refused; // not run, no intent record
  ensureDir(ctx.paths.dataDir);
  const intent = writeIntent(ctx, cmd);
  let run: ShellRun;
  try {
    run = await runShellCommand(ctx, cmd, shellTimeoutSecs(ctx));
    writeLastShell(ctx, run);
  } finally {
    clearIntent(ctx, intent);
  }
  if (run.exitCode !== 0) throw shellFailure(run, reason);
  return { kind: 'shell', run };
}

async function perform(ctx: Ctx, a: Action, opts: ActionOptions): Promise<ActionEffect> {
  switch (a.action) {
    case 'noop':
      return { kind: 'none' };
    case 'run_shell':
      return runShell(ctx, a.cmd, a.reason);
    case 'write_goal':
      return { kind: 'file', file: applySteering(ctx, { kind: 'write_goal', id: a.id, body: Buffer.from(a.body) }).file };
    case 'archive_goal':
      return { kind: 'file', file: applySteering(ctx, { kind: 'archive_goal', id: a.id }).file };
    case 'write_sensor':
      return { kind: 'file', file: applySteering(ctx, { kind: 'write_sensor', id: a.name, body: Buffer.from(a.script) }).file };
    case 'write_playbook':
      return { kind: 'file', file: applySteering(ctx, { kind: 'write_playbook', body: Buffer.from(a.body) }).file };
    case 'start_worker': {
      // The session engine loads only for the moves that need it.
      const { startWorker } = await import('../workers/startWorker.ts');
      const result = await startWorker(ctx, {
        id: a.id,
        prompt: a.prompt,
        ...(a.command === undefined ? {} : { command: a.command }),
        ...(a.verify === undefined ? {} : { verify: a.verify }),
        ...(opts.standby === undefined ? {} : { standby: opts.standby }),
      });
      return { kind: 'worker', result };
    }
    case 'kill_worker': {
      validateId('session id', a.id);
      if (a.id === PULSE_ID) {
        throw new LooopError('RESERVED_ID', "kill: 'pulse' is the control loop, not a worker", {
          hint: 'observe it with `looop screenshot pulse`, control it with `looop up` / `looop down`',
        });
      }
      const { killSession } = await import('../sessions/killSession.ts');
      return { kind: 'kill', result: await killSession(ctx, a.id) };
    }
    case 'write_schedule':
      return { kind: 'file', file: writeSchedule(ctx, { name: a.name, inS: a.in_s, everyS: a.every_s, note: a.note }) };
    case 'drop_schedule':
      dropSchedule(ctx, a.name);
      return { kind: 'none' };
  }
}

function targetOf(a: Action): string | undefined {
  return 'id' in a ? a.id : 'name' in a ? a.name : undefined;
}

/** Executes one move and records it. Never throws for the move's own failure: that is a `failed` outcome. */
export async function executeAction(ctx: Ctx, action: Action, opts: ActionOptions): Promise<ActionOutcome> {
  const word = kindWord(action);
  let effect: ActionEffect;
  try {
    effect = await perform(ctx, action, opts);
  } catch (e) {
    return { kind: 'failed', word, error: asLooopError(action, e) };
  }
  const summary = summaryOf(action);
  const r = recordMove(ctx, { action: action.action, id: targetOf(action), summary, goal: goalOf(action) }, opts);
  return { kind: 'ok', word, summary, journal: r.journal, nextIntervalS: action.action === 'run_shell' ? RUN_SHELL_NEXT_INTERVAL_S : null, effect };
}

/**
 * A decision's move (reference §8.11.3 steps 4–6): the previous `.last-shell.json`
 * was shown in the prompt that produced this decision, so it is consumed now; if
 * the move fails, it is put back for the retry's prompt, unless the failing move
 * wrote a fresh one. The journal line is the decision's `journal`, else the summary.
 */
export async function executeDecision(ctx: Ctx, decision: Decision, opts: Omit<ActionOptions, 'journal'>): Promise<ActionOutcome> {
  const file = lastShellFile(ctx);
  const prev = readDataFile(file);
  try {
    removeIfExists(file);
  } catch (e) {
    ctx.warn('last-shell-consume', `could not remove ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the next prompt may show it again`);
  }
  const outcome = await executeAction(ctx, decision.action, { ...opts, journal: decision.journal });
  if (outcome.kind === 'failed' && prev.kind === 'ok' && readDataFile(file).kind === 'absent') {
    try {
      writeAtomic(file, prev.bytes);
    } catch (e) {
      ctx.warn('last-shell-restore', `could not restore ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return outcome;
}
