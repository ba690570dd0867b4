// `.goal-activity.json`: when each goal was last acted on, `{"<goal id>": unix}`. The
// decide prompt's fairness line names the most neglected goal from it. looop's own
// bookkeeping, best-effort: a lost stamp only makes a goal look a little more neglected.
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { readDataFile } from '../store/dataFile.ts';
import { writeAtomic } from '../store/fsio.ts';
import { steeringPaths } from './layout.ts';

export function readGoalActivity(ctx: Ctx): Record<string, number> {
  const r = readDataFile(steeringPaths(ctx.paths).goalActivity);
  if (r.kind !== 'ok') return {};
  try {
    const o: unknown = JSON.parse(r.bytes.toString('utf8'));
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return {};
    return Object.fromEntries(Object.entries(o).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
  } catch {
    return {};
  }
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
