import type { Ctx } from '../context.ts';
import { surveyAsks, type AskSurvey } from '../mailbox/askSurvey.ts';
import { toView, type AskView } from '../mailbox/askRecords.ts';
import { goalIds, journalTail, readSnapshots } from '../observe/world.ts';
import { pulseAlive } from '../pulse/pulseLock.ts';
import { listFleet, type SessionInfo } from '../sessions/fleet.ts';

export interface WorkerView {
  readonly id: string;
  readonly state: string;
  readonly alive: boolean;
  readonly exit_code: number | null;
}

export interface StateView {
  readonly data_dir: string;
  readonly pulse_alive: boolean;
  readonly asks: AskView[];
  readonly stranded_asks: AskView[];
  readonly workers: WorkerView[];
  readonly goals: string[];
  readonly snapshots: Record<string, unknown>;
  readonly journal_tail: string[];
}

function workerView(s: SessionInfo): WorkerView {
  return { id: s.id, state: s.state, alive: s.alive, exit_code: s.exitCode };
}

/**
 * Read-only: every reader takes a missing directory as empty, so nothing is created.
 * `survey`: one the caller just took (wait's), so the asks are not read twice.
 */
export async function readState(ctx: Ctx, survey?: AskSurvey): Promise<StateView> {
  survey ??= await surveyAsks(ctx, { repair: true });
  let workers: WorkerView[] = [];
  try {
    workers = listFleet(ctx).filter((s) => s.id !== 'pulse').map(workerView);
  } catch (e) {
    ctx.warn('fleet-degraded', `cannot enumerate the fleet (${(e as Error).message}) — showing no workers`);
  }
  return {
    data_dir: ctx.paths.dataDir,
    pulse_alive: pulseAlive(ctx.paths),
    asks: survey.pending.map((e) => toView(e.context)),
    stranded_asks: survey.stranded.map((e) => toView(e.context)),
    workers,
    goals: goalIds(ctx.paths),
    snapshots: readSnapshots(ctx.paths, ctx.warn),
    journal_tail: journalTail(ctx.paths, 20, ctx.warn),
  };
}
