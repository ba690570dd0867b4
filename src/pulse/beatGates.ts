// The gates between sensing and deciding (reference §8.3 steps 10–14): each can idle a
// beat out — no AI call, nothing committed. They read only files, so a restarted pulse
// keeps honouring a backoff or a cap it did not set itself.
import type { Ctx } from '../context.ts';
import type { LooopConfig } from '../config/config.ts';
import { budgetGate } from '../cost/budget.ts';
import { formatUsd2 } from '../cost/usd.ts';
import { backoffGate } from '../guards/backoff.ts';
import { capGate } from '../guards/decideLedger.ts';
import type { Problem } from '../guards/guardFile.ts';
import { readLastHash } from '../guards/lastHash.ts';
import { noopRevisitDue } from '../guards/noopTtl.ts';
import type { PulseLog } from '../log/pulseLog.ts';
import type { WorldView } from '../world/view.ts';
import { emitEvent } from '../steering/trail.ts';

export type GateVerdict = { readonly kind: 'decide' } | { readonly kind: 'idle'; readonly reason: string };

/** A guard file that had to be read leniently or repaired: one line naming it. */
export function reportProblem(log: PulseLog, problem: Problem): void {
  if (problem !== null) log.warn('tick.guard_degraded', problem);
}

// A bad ledger row stays in the file until a human removes it: said once per pulse,
// not on every beat (a new problem — more bad rows — is said again).
const saidOnce = new Set<string>();
function reportOnce(log: PulseLog, problem: Problem): void {
  if (problem === null || saidOnce.has(problem)) return;
  saidOnce.add(problem);
  reportProblem(log, problem);
}

function hoursText(s: number): string {
  return s >= 3600 ? `~${Math.round(s / 360) / 10}h` : `~${Math.ceil(s / 60)}min`;
}

/** `config`: null when the file is bad (the decide step reports it and idles the beat). */
export function checkGates(ctx: Ctx, log: PulseLog, world: WorldView, force: boolean, config: LooopConfig | null): GateVerdict {
  const nowMs = ctx.now();
  const last = readLastHash(ctx);
  if (last.kind === 'unreadable') {
    log.warn('tick.guard_degraded', `${last.problem} — idling this beat out instead of deciding blind`);
    return { kind: 'idle', reason: 'last tick hash unreadable' };
  }
  reportProblem(log, last.problem);
  if (world.hash === last.hash) {
    if (force) {
      log.info('tick.forced', 'world unchanged but deciding anyway (pulse start or a cadence nudge)');
    } else if (revisit(ctx, log, world.hash, nowMs)) {
      log.info('tick.revisit', 'world unchanged but the last noop is older than LOOOP_NOOP_TTL — deciding again');
      emitEvent(ctx, 'noop_revisit');
    } else {
      log.info('tick.skip', 'world unchanged — no AI call');
      emitEvent(ctx, 'world_unchanged');
      return { kind: 'idle', reason: 'world unchanged' };
    }
  }
  const backoff = backoffGate(ctx, world.policyHash, nowMs);
  reportProblem(log, backoff.problem);
  if (backoff.kind === 'hold') {
    log.warn('tick.backoff', `the last ${backoff.fails} decide(s) failed — backing off ~${backoff.retryInS}s (edit a goal or PLAYBOOK.md to retry now)`, { fails: backoff.fails, retry_in_s: backoff.retryInS });
    emitEvent(ctx, 'tick_backoff', { fails: backoff.fails, retry_in_s: backoff.retryInS });
    return { kind: 'idle', reason: `backing off ${backoff.retryInS}s after ${backoff.fails} failure(s)` };
  }
  if (backoff.kind === 'cut') {
    log.info('tick.backoff_cut', `goals or PLAYBOOK edited since the last failure — retrying now (fail #${backoff.fails}; the count stays until a beat succeeds)`, { fails: backoff.fails });
  }
  const cap = capGate(ctx, nowMs);
  reportProblem(log, cap.problem);
  if (cap.kind === 'capped') {
    log.warn('tick.capped', `hourly decide budget used up (LOOOP_MAX_DECIDES_PER_HOUR=${cap.cap}) — idling ~${cap.retryInS}s; if that is unexpected, look for a flapping sensor or a runaway cadence`, { retry_in_s: cap.retryInS });
    emitEvent(ctx, 'tick_capped', { retry_in_s: cap.retryInS });
    return { kind: 'idle', reason: `hourly decide cap (${cap.cap}) reached` };
  }
  const budget = budgetGate(ctx, nowMs, config);
  reportOnce(log, budget.problem);
  if (budget.kind === 'spent') {
    const why = budget.unknownRows > 0 ? `cost.jsonl has row(s) that cannot be read and may be today's spend (${formatUsd2(budget.spentUsd)} readable) — counted as spent; fix the file to retry now` : `daily budget reached (${formatUsd2(budget.spentUsd)} ≥ ${formatUsd2(budget.maxUsd)})`;
    log.warn('tick.budget', `${why} — skipping AI until local midnight (in ${hoursText(budget.retryInS)}); raise max_daily_usd or LOOOP_MAX_DAILY_USD to go on`, { spent_usd: budget.spentUsd, max_daily_usd: budget.maxUsd, retry_in_s: budget.retryInS });
    emitEvent(ctx, 'budget_exceeded', { spent_usd: budget.spentUsd, max_daily_usd: budget.maxUsd });
    return { kind: 'idle', reason: `daily budget ${formatUsd2(budget.maxUsd)} spent` };
  }
  if (budget.kind === 'unmetered') {
    log.warn('tick.budget_unmetered', `runner '${budget.runner}' produced no cost for ${budget.count} runs in a row and a budget is set — skipping AI until it is metered (declare a \`cost\` spec in config.json, use claude or pi, or delete .cost-unmetered)`, { runner: budget.runner, count: budget.count });
    emitEvent(ctx, 'budget_unmetered', { runner: budget.runner });
    return { kind: 'idle', reason: `runner ${budget.runner} is unmetered under a budget` };
  }
  return { kind: 'decide' };
}

function revisit(ctx: Ctx, log: PulseLog, hash: string, now: Date): boolean {
  const r = noopRevisitDue(ctx, hash, now);
  reportProblem(log, r.problem);
  return r.due;
}
