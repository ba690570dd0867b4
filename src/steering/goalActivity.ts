// `.goal-activity.json`: when each goal was last acted on, `{"<goal id>": unix}`. The
// decide prompt's fairness line names the most neglected goal from it. looop's own
// bookkeeping, best-effort: a lost stamp only makes a goal look a little more neglected.
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { readDataFile } from '../store/dataFile.ts';
import { writeAtomic } from '../store/fsio.ts';
import { steeringPaths } from './layout.ts';

/** Goal id → unix seconds; anything else in the file is ignored. A bad file is said once and reads as empty. */
export function readGoalActivity(ctx: Ctx): Record<string, number> {
  const r = readDataFile(steeringPaths(ctx.paths).goalActivity);
  const unknown = 'goal ages are unknown until it is fixed or removed';
  if (r.kind === 'refused') ctx.warn(`invalid:${r.file}`, `.goal-activity.json ${r.problem} — ${unknown}`);
  if (r.kind !== 'ok') return {};
  let o: unknown;
  try {
    o = JSON.parse(r.bytes.toString('utf8'));
  } catch {
    ctx.warn('invalid:.goal-activity.json', `.goal-activity.json is not JSON — ${unknown}`);
    return {};
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return {};
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
}

export function stampGoal(ctx: Ctx, id: string): void {
  try {
    const all = readGoalActivity(ctx);
    all[id] = unixSeconds(ctx.now());
    writeAtomic(steeringPaths(ctx.paths).goalActivity, `${JSON.stringify(all)}\n`);
  } catch (e) {
    ctx.warn('goal-activity', `could not stamp goal activity: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
