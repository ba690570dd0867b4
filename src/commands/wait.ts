// `looop wait`: block until the world changes. Wakes on watch events (and the
// periodic rescan), never on a fixed poll; returns at once while an ask is pending.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { ensureLayout } from '../context.ts';
import { ensureDir } from '../store/fsio.ts';
import { surveyAsks } from '../mailbox/askSurvey.ts';
import { changedCategories, fingerprints, type Category } from '../observe/world.ts';
import { pulseAlive } from '../pulse/pulseLock.ts';
import { openDirWatch } from '../watch/dirWatch.ts';
import { readState, type StateView } from './state.ts';

export type WaitFilter = 'any' | 'actionable' | 'only-asks';
export type WaitChange = Category | 'pulse-down';

export interface WaitOutcome {
  readonly changed: WaitChange[];
  /** The world once the change was seen (what `wait` prints). */
  readonly state: StateView;
}

function passes(filter: WaitFilter, changed: readonly Category[]): boolean {
  if (filter === 'any') return changed.length > 0;
  if (filter === 'only-asks') return changed.includes('asks');
  return changed.includes('asks') || changed.includes('journal');
}

export async function runWait(ctx: Ctx, filter: WaitFilter): Promise<WaitOutcome> {
  ensureLayout(ctx.paths);
  let survey = await surveyAsks(ctx, { repair: true });
  // The survey in hand is always the freshest (the mailbox has not moved since): reuse it.
  const outcome = async (changed: WaitChange[]): Promise<WaitOutcome> => ({ changed, state: await readState(ctx, survey) });
  if (survey.pending.length > 0) return outcome(['asks']);
  const dirs = [ctx.paths.dataDir, ctx.paths.asks, ctx.paths.answers, ctx.paths.lockDir, path.join(ctx.paths.dataDir, 'goals'), path.join(ctx.paths.dataDir, 'snapshots')];
  for (const d of dirs) ensureDir(d);
  // Baseline before the watch exists, then compare once it is ready: a change that lands
  // while the watch is being set up is caught by the comparison, never lost.
  const base = fingerprints(ctx.paths, [], ctx.warn);
  const watch = await openDirWatch(dirs, { env: ctx.env, onFallback: (m) => ctx.warn('watch-fallback', m) });
  // Read the state once before blocking: V8 compiles code on first use, and this way the
  // read after a wake costs ~0.25 ms instead of ~1 ms.
  await readState(ctx, survey);
  // The survey reads every ask record, so it runs only when the mailbox moved (or on a
  // rescan tick, and once the watch is up): a goal edit wakes `wait` as fast as an
  // answer wakes `ask`.
  const mailbox = new Set([path.resolve(ctx.paths.asks), path.resolve(ctx.paths.answers)]);
  try {
    for (;;) {
      const seen = watch.takeChanges();
      if (seen.all || [...seen.dirs].some((d) => mailbox.has(d))) {
        survey = await surveyAsks(ctx, { repair: true });
        if (survey.pending.length > 0) return outcome(['asks']);
      }
      // No ask is pending here (we would have returned), as at the baseline.
      const changed = changedCategories(base, fingerprints(ctx.paths, [], ctx.warn));
      if (passes(filter, changed)) return outcome(changed);
      if (!pulseAlive(ctx.paths)) return outcome(['pulse-down']);
      await watch.next();
    }
  } finally {
    await watch.close();
  }
}
