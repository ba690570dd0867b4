// `worker list`: the pulse first, then workers by id, each with a health verdict
// (reference §7.6, with ended workers told apart by how they ended — see
// workers/health.ts): waiting-ask, stuck (silent past the threshold), busy, or
// done | failed | killed | dead. Unknown idleness counts as busy: never call a
// worker stuck without evidence.
import type { Ctx } from '../context.ts';
import { PULSE_ID } from '../ids.ts';
import { surveyAsks } from '../mailbox/askSurvey.ts';
import { pulseAlive } from '../pulse/pulseLock.ts';
import { listFleet, type SessionInfo } from '../sessions/fleet.ts';
import { idleSecs, uptimeSecs, workerJudge, type Health } from '../workers/health.ts';

export interface WorkerRow {
  readonly id: string;
  readonly state: string;
  readonly alive: boolean;
  readonly exit_code: number | null;
  readonly health: Health;
  readonly idle_s: number | null;
  readonly uptime_s: number | null;
  readonly ask_age_s: number | null;
  readonly verify: 'pass' | 'fail' | null;
}

export async function listWorkers(ctx: Ctx, opts: { all: boolean }): Promise<WorkerRow[]> {
  const nowMs = ctx.now().getTime();
  const fleet = listFleet(ctx);
  const judge = workerJudge(ctx, (await surveyAsks(ctx, { repair: false })).pending);
  const row = (s: SessionInfo): WorkerRow => ({ id: s.id, state: s.state, alive: s.alive, exit_code: s.exitCode, ...judge(s) });
  const pulse = fleet.find((s) => s.id === PULSE_ID);
  const pulseUp = pulse?.alive === true || pulseAlive(ctx.paths);
  const pulseRow: WorkerRow = {
    id: PULSE_ID,
    state: pulse?.alive === true ? pulse.state : pulseUp ? 'running' : 'down',
    alive: pulseUp,
    exit_code: pulse?.exitCode ?? null,
    health: pulseUp ? 'up' : 'down',
    idle_s: pulse === undefined ? null : idleSecs(ctx, PULSE_ID, nowMs),
    uptime_s: pulse?.alive === true ? uptimeSecs(pulse, nowMs) : null,
    ask_age_s: null,
    verify: null,
  };
  const workers = fleet.filter((s) => s.id !== PULSE_ID && (opts.all || s.alive)).map(row);
  return [pulseRow, ...workers];
}
