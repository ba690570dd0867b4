// The system sensors (reference §5.6, §6.4, §7.6, §8.4): in-process readings of the
// fleet, the leases, the goals and the pending asks, published like user snapshots
// so the world hash sees them. Volatile numbers (ages, idle times) live in `detail`
// only: a signal that moved every beat would cost a decide every beat.
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { PULSE_ID } from '../ids.ts';
import { listFleet } from '../sessions/fleet.ts';
import { listClaims } from '../claims/claimRecords.ts';
import type { AskSurvey } from '../mailbox/askSurvey.ts';
import { workerJudge, type Health } from '../workers/health.ts';
import { failOutput } from '../workers/verdict.ts';
import { goalNames } from '../world/view.ts';
import { readGoalActivity } from '../steering/goalActivity.ts';
import { sysSchedulesReading } from '../schedules/schedules.ts';

export const SYSTEM_SENSORS = ['sys-sessions', 'sys-claims', 'sys-goals', 'sys-asks', 'sys-schedules'] as const;
export type SystemSensor = (typeof SYSTEM_SENSORS)[number];

export interface Reading {
  readonly signal: unknown;
  readonly detail?: unknown;
}

export function sysSessions(ctx: Ctx, asks: AskSurvey): Reading {
  const judge = workerJudge(ctx, asks.pending);
  const workers = listFleet(ctx).filter((s) => s.id !== PULSE_ID);
  const signal: { id: string; state: string; exit_code: number | null; health: Health; verify?: 'pass' | 'fail' }[] = [];
  const detail: Record<string, { idle_s?: number; uptime_s?: number; ask_age_s?: number; verify_output?: string }> = {};
  for (const s of workers) {
    const f = judge(s);
    signal.push({ id: s.id, state: s.state, exit_code: s.exitCode, health: f.health, ...(f.verify === null ? {} : { verify: f.verify }) });
    detail[s.id] = {
      ...(f.idle_s === null ? {} : { idle_s: f.idle_s }),
      ...(f.uptime_s === null ? {} : { uptime_s: f.uptime_s }),
      ...(f.ask_age_s === null ? {} : { ask_age_s: f.ask_age_s }),
    };
    // Why a verify failed, for the decider; only in detail, so the text never wakes the loop by itself.
    const why = f.verify === 'fail' ? failOutput(ctx, s.id) : null;
    if (why !== null) detail[s.id] = { ...detail[s.id], verify_output: why };
  }
  return { signal, detail: { count: workers.length, workers: detail } };
}

/** Held leases, by name. The reaper runs before sensing, so every one is held by a live session. */
export function sysClaims(ctx: Ctx): Reading {
  const held = listClaims(ctx).claims.filter((c) => c.state === 'held');
  return { signal: held.map((c) => ({ name: c.name, claim: c.context })) };
}

/** Ages only, all in detail: a goal's age never wakes the loop by itself. */
export function sysGoals(ctx: Ctx): Reading {
  const nowS = unixSeconds(ctx.now());
  const activity = readGoalActivity(ctx);
  const goals: Record<string, { last_acted_unix: number | null; age_s: number | null }> = {};
  for (const name of goalNames(ctx.paths.dataDir)) {
    const id = name.slice(0, -3);
    const last = Object.hasOwn(activity, id) ? activity[id] : undefined;
    goals[id] = last === undefined ? { last_acted_unix: null, age_s: null } : { last_acted_unix: last, age_s: Math.max(0, nowS - last) };
  }
  return { signal: {}, detail: { goals } };
}

/** Raising or answering an ask changes the signal once; ages are detail. */
export function sysAsks(ctx: Ctx, asks: AskSurvey): Reading {
  const nowS = unixSeconds(ctx.now());
  const detail: Record<string, { worker: string; age_s: number }> = {};
  for (const a of asks.pending) detail[a.context.id] = { worker: a.context.worker, age_s: Math.max(0, nowS - a.context.ts) };
  return { signal: { pending: asks.pending.map((a) => a.context.id) }, detail };
}

/** One-shot: "pending" → "due" (stays due until dropped); recurring: {period: n}; broken files: stable "invalid"/"unparseable". */
export function sysSchedules(ctx: Ctx): Reading {
  return sysSchedulesReading(ctx);
}
