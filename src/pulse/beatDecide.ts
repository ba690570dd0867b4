// The second half of a beat (reference §8.3 steps 15–25): build the prompt, run the
// decider, consume its one decision, carry it out, then commit — or record the
// failure that the backoff and the next prompt will see. Only a move that was carried
// out commits the world hash, so every failure is retried (subject to the backoff).
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { executeDecision } from '../actions/execute.ts';
import type { ConfigRead } from '../config/config.ts';
import { runnerLabel } from '../config/runnerLabel.ts';
import { DECISION_FILE, readDecision } from '../decide/decision.ts';
import { buildPrompt } from '../decide/prompt.ts';
import { runDeciderTeed, type SpawnFn } from '../decide/runner.ts';
import { settleTickCost, UNMETERED_LIMIT } from '../cost/budget.ts';
import { createMeter } from '../cost/meter.ts';
import { formatUsd } from '../cost/usd.ts';
import { clearBackoff, recordBackoff } from '../guards/backoff.ts';
import { recordDecide } from '../guards/decideLedger.ts';
import { flappingSensors } from '../guards/flap.ts';
import { loopKnobs } from '../guards/knobs.ts';
import { clearLastFailure, readLastFailure, writeLastFailure } from '../guards/lastFailure.ts';
import { readLastShell } from '../actions/runShell.ts';
import { readLastWorld, writeLastHash, writeLastWorld } from '../guards/lastHash.ts';
import { clearNoop, recordNoop } from '../guards/noopTtl.ts';
import { allocateRun, pruneRuns } from '../guards/runs.ts';
import { reportProblem } from './beatGates.ts';
import type { PulseLog } from '../log/pulseLog.ts';
import { emitEvent } from '../steering/trail.ts';
import { describeEnd } from '../workers/earlyEnd.ts';
import { readDataFile } from '../store/dataFile.ts';
import { removeIfExists, writeAtomic } from '../store/fsio.ts';
import type { WorldView } from '../world/view.ts';
import { advanceBeat } from './beatRecord.ts';
import { gatherPromptInput } from './promptInput.ts';

export interface DecideDeps {
  readonly ctx: Ctx;
  readonly log: PulseLog;
  readonly env: NodeJS.ProcessEnv;
  readonly json: boolean;
  readonly spawn?: SpawnFn;
  /** True once the pulse was told to go at once (SIGHUP): a decide it cut short is no failure. */
  readonly hungUp?: () => boolean;
}

/** What the loop needs from a beat. */
export interface BeatResult {
  /** A move other than noop was carried out. */
  readonly acted: boolean;
  /** The decider's (or run_shell's) request for the next beat, in seconds. */
  readonly nextIntervalS: number | null;
  /** The runner was launched (whatever came of it): a due nudge is now spent. */
  readonly decidedOrFailed: boolean;
}

export const IDLE: BeatResult = { acted: false, nextIntervalS: null, decidedOrFailed: false };

const at = (ctx: Ctx) => ctx.now().toISOString();
const secsSince = (ctx: Ctx, startMs: number) => Math.max(0, Math.round((ctx.now().getTime() - startMs) / 100) / 10);

async function idle(ctx: Ctx, reason: string): Promise<BeatResult> {
  await advanceBeat(ctx, { type: 'SKIP', at: at(ctx), reason });
  return IDLE;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

type Failure = { readonly code: 'tick.failed' | 'tick.no_decision'; readonly error: string; readonly logMsg: string };

async function fail(deps: DecideDeps, world: WorldView, runId: string, runDir: string, startMs: number, f: Failure): Promise<BeatResult> {
  const { ctx, log } = deps;
  const recorded = recordBackoff(ctx, world.policyHash, ctx.now());
  reportProblem(log, recorded.problem);
  const fails = recorded.fails;
  const secs = secsSince(ctx, startMs);
  reportProblem(log, writeLastFailure(ctx, { runId, code: f.code, error: f.error, fails }, ctx.now()));
  const replay = path.relative(ctx.paths.dataDir, runDir);
  const fields = { secs, run_id: runId, fails, error: oneLine(f.error), replay };
  if (f.code === 'tick.no_decision') log.warn(f.code, `${f.logMsg} after ${secs}s (no move, fail #${fails}) · replay: ${replay}`, fields);
  else log.error(f.code, `${f.logMsg} after ${secs}s (fail #${fails}): ${oneLine(f.error)} · replay: ${replay}`, fields);
  emitEvent(ctx, 'tick_failed', { run_id: runId, fails });
  await advanceBeat(ctx, { type: 'FAIL', at: at(ctx), reason: oneLine(f.error).slice(0, 200) });
  pruneRunsQuietly(deps);
  return { acted: false, nextIntervalS: null, decidedOrFailed: true };
}

/** Steps 15–25: the beat has passed its gates. */
export async function decideAndCommit(deps: DecideDeps, world: WorldView, configRead: ConfigRead): Promise<BeatResult> {
  const { ctx, log } = deps;
  if ('error' in configRead) {
    log.error('tick.error', `${configRead.error.message} — ${configRead.error.hint ?? 'fix it'}; no AI call this beat`);
    return idle(ctx, 'config unreadable');
  }
  const { config } = configRead;
  const label = runnerLabel(config.tickCommand, config.workerCommand);
  const knobs = loopKnobs(ctx, config);

  const run = allocateRun(ctx, ctx.now());
  if (run.kind === 'failed') {
    log.error('tick.error', `${run.problem} — no AI call this beat`);
    return idle(ctx, 'no run dir');
  }
  const { runId, dir: runDir } = run;
  const promptFile = path.join(runDir, 'prompt.md');
  const baseline = readLastWorld(ctx);
  const shell = readLastShell(ctx);
  const failure = readLastFailure(ctx, ctx.now());
  for (const p of [baseline.problem, shell.problem, failure.problem]) reportProblem(log, p);
  const built = buildPrompt(
    await gatherPromptInput(ctx, {
      items: world.items,
      baseline: baseline.items,
      lastShell: shell.lastShell,
      flapping: flappingSensors(ctx),
      lastFailure: failure.failure,
      budgetBytes: knobs.promptMaxBytes,
    }),
  );
  const omitted = built.omitted.goals + built.omitted.readings + built.omitted.asks;
  if (omitted > 0) log.warn('tick.prompt_oversize', `the decide prompt went over LOOOP_PROMPT_MAX_BYTES: ${omitted} item(s) left out`, { omitted });
  try {
    writeAtomic(promptFile, built.text);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === undefined) throw e;
    log.error('tick.error', `could not write the decide prompt ${promptFile}: ${(e as NodeJS.ErrnoException).code} — no AI call this beat`);
    return idle(ctx, 'prompt not written');
  }

  const startMs = ctx.now().getTime();
  await advanceBeat(ctx, { type: 'DECIDE', at: at(ctx), runId });
  if (deps.json) log.step('tick.start', `${label} is deciding the one move`, { runner: label, run_id: runId });
  emitEvent(ctx, 'decide_start', { runner: label, run_id: runId });
  reportProblem(log, recordDecide(ctx, ctx.now()).problem);

  const decisionFile = path.join(ctx.paths.dataDir, DECISION_FILE);
  if (readDataFile(decisionFile, 0).kind !== 'absent') {
    removeIfExists(decisionFile);
    log.warn('tick.stale_decision', 'removed a stale .decision.json a failed beat left behind, before deciding');
  }

  const meter = createMeter(config.cost);
  const { result: ran } = await runDeciderTeed(
    {
      tickCommand: config.tickCommand,
      onLine: meter.line,
      promptFile,
      dataDir: ctx.paths.dataDir,
      deadlineMs: knobs.tickTimeoutMs ?? 0,
      env: deps.env,
      ...(deps.spawn === undefined ? {} : { spawn: deps.spawn }),
    },
    {
      runDir,
      tickLog: path.join(ctx.paths.dataDir, 'tick.log'),
      now: ctx.now,
      onRendered: (r) => log.runnerLine(r, { run_id: runId }),
      onProblem: (p) => log.warn('tick.guard_degraded', p.problem, { file: p.file }),
    },
  );
  const cost = settleTickCost(ctx, ctx.now(), { runId, usd: meter.total(), ok: ran.kind === 'ok' }, config);
  reportProblem(log, cost.problem);
  if (cost.unmetered !== null) {
    const { runner, count } = cost.unmetered;
    const left = count >= UNMETERED_LIMIT ? 'breaker now open' : `${count}/${UNMETERED_LIMIT} before the breaker opens`;
    log.warn('tick.unmetered', `a daily budget is set but runner '${runner}' reported no cost (${left}) — declare a \`cost\` spec in config.json, or use claude or pi`, { runner, count });
  }
  if (ran.kind !== 'ok' && deps.hungUp?.() === true) {
    log.info('tick.aborted', 'the pulse is stopping: this decide was cut short and does not count as a failure');
    return idle(ctx, 'the pulse stopped mid-decide');
  }
  if (ran.kind !== 'ok') {
    return fail(deps, world, runId, runDir, startMs, { code: 'tick.failed', error: `the runner command failed before producing a decision: ${ran.cause}`, logMsg: 'tick failed' });
  }

  const read = readDecision(decisionFile);
  if (read.kind !== 'unreadable') {
    try {
      removeIfExists(decisionFile); // one-shot, win or lose
    } catch {
      // a directory or a foreign file: the stale check of the next beat reports it again
    }
  }
  if (read.kind === 'missing') {
    return fail(deps, world, runId, runDir, startMs, {
      code: 'tick.no_decision',
      error: 'the runner ran but wrote no .decision.json (it must write exactly one JSON action object to .decision.json, then stop)',
      logMsg: 'the runner wrote no .decision.json',
    });
  }
  if (read.kind !== 'ok') return fail(deps, world, runId, runDir, startMs, { code: 'tick.failed', error: read.message, logMsg: 'decision failed' });

  const decision = read.decision;
  await advanceBeat(ctx, { type: 'DECIDED', at: at(ctx), action: decision.action.action, summary: oneLine(decision.journal).slice(0, 200) || decision.action.action });
  const outcome = await executeDecision(ctx, decision, { source: 'pulse', runId });
  if (outcome.kind === 'failed') {
    return fail(deps, world, runId, runDir, startMs, { code: 'tick.failed', error: outcome.error.message, logMsg: 'decision failed' });
  }
  const early = outcome.effect.kind === 'worker' ? outcome.effect.result.early : null;
  if (early !== null && early.health !== 'done') {
    // Started, then gone within its first second: the next beat sees it in sys-sessions; say why now.
    const last = early.screen.at(-1);
    log.warn('worker.early_end', `worker ${outcome.effect.kind === 'worker' ? outcome.effect.result.id : ''} ended within its first second (${describeEnd(early)})${last === undefined ? '' : `: ${last}`}`);
  }

  for (const problem of [
    writeLastHash(ctx, world.hash),
    writeLastWorld(ctx, world.items),
    clearBackoff(ctx),
    clearLastFailure(ctx),
    outcome.word === 'noop' ? recordNoop(ctx, world.hash, ctx.now()) : clearNoop(ctx),
  ]) {
    reportProblem(log, problem);
  }
  const secs = secsSince(ctx, startMs);
  const journal = oneLine(outcome.journal);
  const spent = cost.usd > 0 ? ` · ${formatUsd(cost.usd)}` : '';
  log.ok('tick.decided', `${outcome.word} · ${journal} · ${secs}s${spent}`, { action: outcome.word, summary: outcome.summary, journal, secs, run_id: runId, ...(cost.usd > 0 ? { cost_usd: cost.usd } : {}) });
  emitEvent(ctx, 'decided', { run_id: runId, action: outcome.word, journal });
  await advanceBeat(ctx, { type: 'COMMITTED', at: at(ctx) });
  pruneRunsQuietly(deps);
  return { acted: outcome.word !== 'noop', nextIntervalS: decision.nextIntervalS ?? outcome.nextIntervalS, decidedOrFailed: true };
}

export function pruneRunsQuietly(deps: DecideDeps): void {
  reportProblem(deps.log, pruneRuns(deps.ctx).problem);
}
