// `schedule write|rm|list` (reference §2.21): the human's side of write_schedule and
// drop_schedule, through the one action path; `list` reads what sys-schedules reads.
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { executeAction, type ActionOutcome } from '../actions/execute.ts';
import { listSchedules, scheduleProblem, scheduleReading } from '../schedules/schedules.ts';

export interface ScheduleWriteInput {
  readonly name: string;
  readonly inS?: number | undefined;
  readonly everyS?: number | undefined;
  readonly note?: string | undefined;
  readonly journal?: string | undefined;
}

export function runScheduleWrite(ctx: Ctx, w: ScheduleWriteInput): Promise<ActionOutcome> {
  return executeAction(
    ctx,
    {
      action: 'write_schedule',
      name: w.name,
      ...(w.inS === undefined ? {} : { in_s: w.inS }),
      ...(w.everyS === undefined ? {} : { every_s: w.everyS }),
      ...(w.note === undefined ? {} : { note: w.note }),
    },
    { source: 'cli', journal: w.journal },
  );
}

export function runScheduleRm(ctx: Ctx, name: string, journal: string | undefined): Promise<ActionOutcome> {
  return executeAction(ctx, { action: 'drop_schedule', name }, { source: 'cli', journal });
}

export interface ScheduleListRow {
  readonly name: string;
  /** The file's JSON object, or null when it cannot be read or parsed. */
  readonly schedule: Record<string, unknown> | null;
  readonly signal: unknown;
  readonly detail: unknown;
  /** Why it will never fire (or a newer schema), or null. */
  readonly problem: string | null;
}

export function runScheduleList(ctx: Ctx): ScheduleListRow[] {
  const nowS = unixSeconds(ctx.now());
  return listSchedules(ctx).map((e) => {
    const r = scheduleReading(e.read, nowS);
    return { name: e.name, schedule: e.read.kind === 'unparseable' ? null : e.read.raw, signal: r.signal, detail: r.detail, problem: scheduleProblem(e) };
  });
}
