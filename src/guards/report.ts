// Why the loop is idle, as data (issue 8 item 6): every guard holding the next decide
// back right now, for `state --json` and `wait`. Read-only: unlike the pulse's gates,
// nothing here repairs a file, so a report never changes what the pulse will do.
import { worldView } from '../world/view.ts';
import { DEFAULT_MAX_NEXT_INTERVAL_S, loadConfig, type LooopConfig } from '../config/config.ts';
import { budgetGate } from '../cost/budget.ts';
import { isLooopError } from '../errors.ts';
import { inspectBackoff, judgeBackoff } from './backoff.ts';
import { inspectLedger, judgeCap } from './decideLedger.ts';
import { flaggedSensors, inspectFlap } from './flap.ts';
import { flapStreak, maxDecidesPerHour } from './knobs.ts';
import { LAST_HASH_FILE, readLastHash } from './lastHash.ts';
import { inspectNoop } from './noopTtl.ts';
import { effectiveDueS, readNextWake } from './nextWake.ts';
import { guardPath, nowS, type GuardCtx, type Now, type Problem } from './guardFile.ts';

export type GuardHold =
  /** Recent decides failed: no retry for `retryInS` (a PLAYBOOK or goal edit retries now). */
  | { readonly kind: 'backoff'; readonly fails: number; readonly retryInS: number }
  /** The hourly decide budget is spent. */
  | { readonly kind: 'cap'; readonly cap: number; readonly used: number; readonly retryInS: number }
  /** Sensors whose wake signal keeps changing (each such beat costs a decide). */
  | { readonly kind: 'flapping'; readonly sensors: readonly string[] }
  /** The decider asked for a beat at `dueS`; `inS` 0 when it is due. */
  | { readonly kind: 'nudge'; readonly dueS: number; readonly inS: number }
  /** Today's spend reached the daily budget (or unreadable ledger rows may have): no decide until local midnight. */
  | { readonly kind: 'budget'; readonly why: 'spent'; readonly spentUsd: number; readonly maxUsd: number; readonly unknownRows: number; readonly retryInS: number }
  /** A budget is set but the runner's spend cannot be seen: no decide until it is metered. */
  | { readonly kind: 'budget'; readonly why: 'unmetered'; readonly runner: string; readonly count: number; readonly maxUsd: number }
  /** A guard file the pulse cannot read, so every beat idles out until a human fixes it. */
  | { readonly kind: 'unreadable'; readonly file: string; readonly problem: string };

export interface GuardReport {
  readonly holding: readonly GuardHold[];
  /** One line per guard file that is corrupt or unreadable, naming it. */
  readonly problems: readonly string[];
}

export interface GuardReportOptions {
  /** The current policy hash, when the caller has it (else read from disk). */
  readonly policyHash?: string;
  /** The nudge cap in force (config max_next_interval / LOOOP_MAX_NEXT_INTERVAL). */
  readonly maxNextIntervalS?: number;
  /** The loaded config, when the caller has it (else read here; an unreadable one skips the budget). */
  readonly config?: LooopConfig | null;
}

function configOrNull(ctx: GuardCtx): LooopConfig | null {
  try {
    return loadConfig(ctx.paths);
  } catch (e) {
    if (isLooopError(e)) return null;
    throw e;
  }
}

export function guardReport(ctx: GuardCtx, now: Now, opts: GuardReportOptions = {}): GuardReport {
  const holding: GuardHold[] = [];
  const problems: string[] = [];
  const note = (p: Problem): void => {
    if (p !== null) problems.push(p);
  };
  const t = nowS(now);

  const last = readLastHash(ctx);
  if (last.kind === 'unreadable') holding.push({ kind: 'unreadable', file: guardPath(ctx, LAST_HASH_FILE), problem: last.problem });
  note(last.problem);

  const policyHash = opts.policyHash ?? worldView(ctx.paths.dataDir).policyHash;
  const backoff = inspectBackoff(ctx, policyHash, now);
  note(backoff.problem);
  const bg = judgeBackoff(backoff.record, policyHash, now);
  if (bg.kind === 'hold') holding.push({ kind: 'backoff', fails: bg.fails, retryInS: bg.retryInS });

  const cap = maxDecidesPerHour(ctx);
  const ledger = inspectLedger(ctx, now, cap);
  note(ledger.problem);
  const cg = judgeCap(ledger.entries, cap, now);
  if (cg.kind === 'capped') holding.push({ kind: 'cap', cap: cg.cap, used: cg.used, retryInS: cg.retryInS });

  const budget = budgetGate(ctx, now, opts.config === undefined ? configOrNull(ctx) : opts.config);
  note(budget.problem);
  if (budget.kind === 'spent') holding.push({ kind: 'budget', why: 'spent', spentUsd: budget.spentUsd, maxUsd: budget.maxUsd, unknownRows: budget.unknownRows, retryInS: budget.retryInS });
  if (budget.kind === 'unmetered') holding.push({ kind: 'budget', why: 'unmetered', runner: budget.runner, count: budget.count, maxUsd: budget.maxUsd });

  const flap = inspectFlap(ctx);
  note(flap.problem);
  const sensors = flaggedSensors(flap.ledger, flapStreak(ctx));
  if (sensors.length > 0) holding.push({ kind: 'flapping', sensors });

  const wake = readNextWake(ctx);
  if (wake.kind === 'bad') note(wake.problem);
  if (wake.kind === 'ok') {
    const due = effectiveDueS(wake.dueS, t, opts.maxNextIntervalS ?? DEFAULT_MAX_NEXT_INTERVAL_S);
    holding.push({ kind: 'nudge', dueS: due, inS: Math.max(0, due - t) });
  }

  note(inspectNoop(ctx, now).problem);
  return { holding, problems };
}
