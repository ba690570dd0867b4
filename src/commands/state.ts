import type { Ctx } from '../context.ts';
import { surveyAsks, type AskSurvey } from '../mailbox/askSurvey.ts';
import { toView, type AskView } from '../mailbox/askRecords.ts';
import { goalIds, journalTail, readSnapshots } from '../observe/world.ts';
import { pulseAlive } from '../pulse/pulseLock.ts';
import { readPulseView, type PulseView } from '../observe/pulseView.ts';
import { worldView } from '../world/view.ts';
import { guardReport, type GuardHold } from '../guards/report.ts';
import { listFleet, type SessionInfo } from '../sessions/fleet.ts';
import { failOutput, verdictWord } from '../workers/verdict.ts';

export interface WorkerView {
  readonly id: string;
  readonly state: string;
  readonly alive: boolean;
  readonly exit_code: number | null;
  /** Its post-condition verdict, once the pulse has judged it (absent before, or without --verify). */
  readonly verify?: 'pass' | 'fail';
  /** On a fail: the tail of what the verify command printed. */
  readonly verify_output?: string;
}

export interface StateView {
  /** The world hash over the files on disk now (reference §8.6), as the pulse computes it. */
  readonly world_hash: string;
  readonly data_dir: string;
  readonly pulse_alive: boolean;
  /** The beat record: what the pulse is doing and last did; null when no pulse ever ran. */
  readonly pulse: PulseView | null;
  readonly asks: AskView[];
  readonly stranded_asks: AskView[];
  readonly workers: WorkerView[];
  readonly goals: string[];
  readonly snapshots: Record<string, unknown>;
  readonly journal_tail: string[];
  /** Every guard holding the next decide back right now, and guard files that cannot be read. */
  readonly held_back: readonly HeldBack[];
  readonly guard_problems: readonly string[];
}

/** A guard hold as JSON clients read it (snake_case, like every other field here). */
export type HeldBack =
  | { readonly kind: 'backoff'; readonly fails: number; readonly retry_in_s: number }
  | { readonly kind: 'cap'; readonly cap: number; readonly used: number; readonly retry_in_s: number }
  | { readonly kind: 'flapping'; readonly sensors: readonly string[] }
  | { readonly kind: 'nudge'; readonly due_unix: number; readonly in_s: number }
  | { readonly kind: 'budget'; readonly why: 'spent'; readonly spent_usd: number; readonly max_usd: number; readonly unknown_rows: number; readonly retry_in_s: number }
  | { readonly kind: 'budget'; readonly why: 'unmetered'; readonly runner: string; readonly unmetered_runs: number; readonly max_usd: number }
  | { readonly kind: 'unreadable'; readonly file: string; readonly problem: string };

function heldBack(h: GuardHold): HeldBack {
  switch (h.kind) {
    case 'backoff':
      return { kind: h.kind, fails: h.fails, retry_in_s: h.retryInS };
    case 'cap':
      return { kind: h.kind, cap: h.cap, used: h.used, retry_in_s: h.retryInS };
    case 'flapping':
      return { kind: h.kind, sensors: h.sensors };
    case 'nudge':
      return { kind: h.kind, due_unix: h.dueS, in_s: h.inS };
    case 'budget':
      return h.why === 'spent'
        ? { kind: h.kind, why: h.why, spent_usd: h.spentUsd, max_usd: h.maxUsd, unknown_rows: h.unknownRows, retry_in_s: h.retryInS }
        : { kind: h.kind, why: h.why, runner: h.runner, unmetered_runs: h.count, max_usd: h.maxUsd };
    case 'unreadable':
      return { kind: h.kind, file: h.file, problem: h.problem };
  }
}

function workerView(ctx: Ctx, s: SessionInfo): WorkerView {
  const verify = verdictWord(ctx, s.id);
  const output = verify === 'fail' ? failOutput(ctx, s.id) : null;
  return { id: s.id, state: s.state, alive: s.alive, exit_code: s.exitCode, ...(verify === null ? {} : { verify }), ...(output === null ? {} : { verify_output: output }) };
}

/**
 * Read-only: every reader takes a missing directory as empty, so nothing is created.
 * `survey`: one the caller just took (wait's), so the asks are not read twice.
 */
export async function readState(ctx: Ctx, survey?: AskSurvey): Promise<StateView> {
  survey ??= await surveyAsks(ctx, { repair: true });
  let workers: WorkerView[] = [];
  try {
    workers = listFleet(ctx).filter((s) => s.id !== 'pulse').map((s) => workerView(ctx, s));
  } catch (e) {
    ctx.warn('fleet-degraded', `cannot enumerate the fleet (${(e as Error).message}) — showing no workers`);
  }
  const world = worldView(ctx.paths.dataDir);
  const guards = guardReport(ctx, ctx.now(), { policyHash: world.policyHash });
  return {
    world_hash: world.hash,
    data_dir: ctx.paths.dataDir,
    pulse_alive: pulseAlive(ctx.paths),
    pulse: readPulseView(ctx.paths, ctx.warn),
    asks: survey.pending.map((e) => toView(e.context)),
    stranded_asks: survey.stranded.map((e) => toView(e.context)),
    workers,
    goals: goalIds(ctx.paths),
    snapshots: readSnapshots(ctx.paths, ctx.warn),
    journal_tail: journalTail(ctx.paths, 20, ctx.warn),
    held_back: guards.holding.map(heldBack),
    guard_problems: [...guards.problems],
  };
}
