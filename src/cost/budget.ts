// The daily budget breaker (reference §8.20, kept from the seed): once today's spend
// (the local date of `now`) reaches the budget, beats idle out without an AI call
// until local midnight. And since a budget means nothing for a runner whose spend
// looop cannot see, three successful runs in a row that left no cost row open the
// breaker too (`.cost-unmetered`), until the runner is metered or the record removed.
//
// The budget: LOOOP_MAX_DAILY_USD (wins) > config `max_daily_usd` > 10 USD; ≤ 0 turns
// the breaker off. The unmetered rule applies only to a budget someone set (env or
// config): with the built-in default, an unmetered runner (the demo decider, a script)
// keeps running, while claude and pi — metered out of the box — are capped.
//
// Fail closed: ledger rows that cannot be read but may be today's count as spent, an
// unreadable ledger counts as spent, and an unreadable `.cost-unmetered` counts as
// three unmetered runs. Each says which file, in one line.
import type { LooopConfig } from '../config/config.ts';
import { runnerLabel } from '../config/runnerLabel.ts';
import { firstProblem, guardPath, isCount, isObject, nowMs, readGuardJson, removeGuard, writeGuard, type GuardCtx, type Now, type Problem } from '../guards/guardFile.ts';
import { appendCost, localDay } from './ledger.ts';
import { readToday, type TodayRead } from './today.ts';
import { formatUsd } from './usd.ts';

export const DEFAULT_MAX_DAILY_USD = 10;
export const UNMETERED_FILE = '.cost-unmetered';
export const UNMETERED_LIMIT = 3;

export type BudgetConfig = Pick<LooopConfig, 'maxDailyUsd' | 'cost' | 'tickCommand' | 'workerCommand'>;

export interface BudgetLimit {
  /** ≤ 0: no breaker. */
  readonly maxUsd: number;
  /** Set by env or config (the unmetered rule needs this), not the built-in default. */
  readonly explicit: boolean;
}

export function budgetLimit(ctx: GuardCtx, config: Pick<LooopConfig, 'maxDailyUsd'> | null): BudgetLimit {
  const raw = ctx.env.LOOOP_MAX_DAILY_USD?.trim();
  if (raw !== undefined && raw !== '') {
    const n = Number(raw);
    if (/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw) && Number.isFinite(n)) return { maxUsd: n, explicit: true };
    ctx.warn('env:LOOOP_MAX_DAILY_USD', `LOOOP_MAX_DAILY_USD=${JSON.stringify(raw)} is not a number of US dollars — ignoring it`);
  }
  if (config?.maxDailyUsd !== null && config?.maxDailyUsd !== undefined) return { maxUsd: config.maxDailyUsd, explicit: true };
  return { maxUsd: DEFAULT_MAX_DAILY_USD, explicit: false };
}

/** What the unmetered count is keyed on: a new runner or a new cost spec starts it over. */
export function unmeteredSignature(config: BudgetConfig): { readonly runner: string; readonly sig: string } {
  const runner = runnerLabel(config.tickCommand, config.workerCommand);
  return { runner, sig: `${runner}|${config.cost !== null}` };
}

type UnmeteredRead = { readonly sig: string; readonly count: number; readonly problem: Problem };

function readUnmetered(ctx: GuardCtx): UnmeteredRead | null {
  const file = guardPath(ctx, UNMETERED_FILE);
  const r = readGuardJson(file);
  if (r.kind === 'absent') return null;
  if (r.kind === 'ok' && isObject(r.value) && typeof r.value.sig === 'string' && isCount(r.value.count)) return { sig: r.value.sig, count: r.value.count, problem: null };
  const why = r.kind === 'bad' ? r.problem : `${file} is not an unmetered-runs record`;
  return { sig: '*', count: UNMETERED_LIMIT, problem: `${why} — failing closed: counted as ${UNMETERED_LIMIT} unmetered runs (delete it once the runner is metered)` };
}

export type BudgetGate =
  | { readonly kind: 'open'; readonly spentUsd: number; readonly maxUsd: number }
  /** Today's spend reached the budget; `unknownRows` unreadable rows that may be today's counted it as spent. */
  | { readonly kind: 'spent'; readonly spentUsd: number; readonly maxUsd: number; readonly unknownRows: number; readonly retryInS: number }
  | { readonly kind: 'unmetered'; readonly runner: string; readonly count: number; readonly maxUsd: number };

/** The one line about today's part of the ledger, naming the file; null when it read clean. */
export function todayProblem(t: TodayRead): Problem {
  if (t.unreadable !== null) return `${t.file} ${t.unreadable} — today's spend cannot be counted; move it aside`;
  const notes: string[] = [];
  if (t.corrupt > 0) notes.push(`${t.corrupt} ${t.corrupt === 1 ? 'row' : 'rows'} among today's ${t.corrupt === 1 ? 'is not a spend record' : 'are not spend records'}${t.unknownRows > 0 ? ' and may be today’s spend' : ''}`);
  if (t.unknownRows > t.corrupt) notes.push('today’s rows run past the part of it that is read');
  return notes.length === 0 ? null : `${t.file}: ${notes.join('; ')} — fix or delete the bad lines (\`looop cost\` says where)`;
}

/** Whether the next decide fits today's budget. Read-only. `config` null: none loaded (the breaker is then left to the config error). */
export function budgetGate(ctx: GuardCtx, now: Now, config: BudgetConfig | null): BudgetGate & { readonly problem: Problem } {
  const limit = budgetLimit(ctx, config);
  if (limit.maxUsd <= 0 || config === null) return { kind: 'open', spentUsd: 0, maxUsd: limit.maxUsd, problem: null };
  let problem: Problem = null;
  if (limit.explicit) {
    const u = readUnmetered(ctx);
    problem = u?.problem ?? null;
    const { runner, sig } = unmeteredSignature(config);
    if (u !== null && (u.sig === sig || u.sig === '*') && u.count >= UNMETERED_LIMIT) return { kind: 'unmetered', runner, count: u.count, maxUsd: limit.maxUsd, problem };
  }
  const today = readToday(ctx, now);
  problem = firstProblem(problem, todayProblem(today));
  const spent = { usd: today.usd, unknownRows: today.unknownRows };
  const resetInS = Math.max(1, Math.ceil((localDay(now).endMs - nowMs(now)) / 1000));
  if (spent.unknownRows > 0 || spent.usd >= limit.maxUsd) return { kind: 'spent', spentUsd: spent.usd, maxUsd: limit.maxUsd, unknownRows: spent.unknownRows, retryInS: resetInS, problem };
  return { kind: 'open', spentUsd: spent.usd, maxUsd: limit.maxUsd, problem };
}

/** One more successful run with no cost row; returns the count at this signature. */
export function recordUnmetered(ctx: GuardCtx, sig: string): { readonly count: number; readonly problem: Problem } {
  const u = readUnmetered(ctx);
  const count = u !== null && u.problem === null && u.sig === sig ? u.count + 1 : 1;
  const wrote = writeGuard(guardPath(ctx, UNMETERED_FILE), `${JSON.stringify({ v: 1, sig, count })}\n`);
  return { count, problem: firstProblem(u?.problem ?? null, wrote) };
}

export function clearUnmetered(ctx: GuardCtx): Problem {
  return removeGuard(guardPath(ctx, UNMETERED_FILE));
}

export interface TickCost {
  /** USD recorded for the run (0: none). */
  readonly usd: number;
  /** After a successful unmetered run under a set budget: the count so far. */
  readonly unmetered: { readonly runner: string; readonly count: number } | null;
  readonly problem: Problem;
}

/**
 * After the decider returned: a 'tick' row for what its stream said it cost, and the
 * unmetered count moved (only for a run that succeeded, under a budget someone set).
 */
export function settleTickCost(ctx: GuardCtx, now: Now, run: { readonly runId: string; readonly usd: number; readonly ok: boolean }, config: BudgetConfig): TickCost {
  const { runner, sig } = unmeteredSignature(config);
  let recorded = false;
  let problem: Problem = null;
  try {
    recorded = appendCost(ctx, { kind: 'tick', id: run.runId, runner, usd: run.usd }, now);
  } catch (e) {
    problem = `cannot append to ${guardPath(ctx, 'cost.jsonl')} (${(e as NodeJS.ErrnoException).code ?? String(e)}) — this run's ${formatUsd(run.usd)} is not counted`;
  }
  const usd = recorded ? run.usd : 0;
  const limit = budgetLimit(ctx, config);
  if (!run.ok || limit.maxUsd <= 0 || !limit.explicit) return { usd, unmetered: null, problem };
  if (recorded) return { usd, unmetered: null, problem: firstProblem(problem, clearUnmetered(ctx)) };
  const u = recordUnmetered(ctx, sig);
  return { usd, unmetered: { runner, count: u.count }, problem: firstProblem(problem, u.problem) };
}
