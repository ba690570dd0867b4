// `looop wait`: block until the world changes. Wakes on watch events (and the
// periodic rescan), never on a fixed poll; returns at once while an ask is pending.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { ensureLayout } from '../context.ts';
import { ensureDir } from '../store/fsio.ts';
import { surveyAsks } from '../mailbox/askSurvey.ts';
import { toView, type AskView } from '../mailbox/askRecords.ts';
import { changedCategories, fingerprints, type Category } from '../observe/world.ts';
import { pulseAlive } from '../pulse/pulseLock.ts';
import { openDirWatch } from '../watch/dirWatch.ts';

export type WaitFilter = 'any' | 'actionable' | 'only-asks';
export type WaitChange = Category | 'pulse-down';

function passes(filter: WaitFilter, changed: readonly Category[]): boolean {
  if (filter === 'any') return changed.length > 0;
  if (filter === 'only-asks') return changed.includes('asks');
  return changed.includes('asks') || changed.includes('journal');
}

async function pendingViews(ctx: Ctx): Promise<AskView[]> {
  return (await surveyAsks(ctx, { repair: true })).pending.map((e) => toView(e.context));
}

export async function runWait(ctx: Ctx, filter: WaitFilter): Promise<WaitChange[]> {
  ensureLayout(ctx.paths);
  if ((await pendingViews(ctx)).length > 0) return ['asks'];
  const dirs = [ctx.paths.dataDir, ctx.paths.asks, ctx.paths.answers, ctx.paths.lockDir, path.join(ctx.paths.dataDir, 'goals'), path.join(ctx.paths.dataDir, 'snapshots')];
  for (const d of dirs) ensureDir(d);
  // Baseline before the watch exists, then compare once it is ready: a change that lands
  // while the watch is being set up is caught by the comparison, never lost.
  const base = fingerprints(ctx.paths, [], ctx.warn);
  const watch = await openDirWatch(dirs, { env: ctx.env, onFallback: (m) => ctx.warn('watch-fallback', m) });
  try {
    for (;;) {
      const now = await pendingViews(ctx);
      if (now.length > 0) return ['asks'];
      const changed = changedCategories(base, fingerprints(ctx.paths, now, ctx.warn));
      if (passes(filter, changed)) return changed;
      if (!pulseAlive(ctx.paths)) return ['pulse-down'];
      await watch.next();
    }
  } finally {
    await watch.close();
  }
}
