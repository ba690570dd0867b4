// Flapping sensors (reference §8.9): a snapshot whose wake signal changes on beat
// after beat defeats the skip gate, and every such beat costs a decide. The ledger
// `.signal-flap.json` = {"v":1,"snaps":{<stem>:{"last","streak"}}} is rebuilt each
// beat from the items that beat SENSED (not a later re-read of the disk): a changed
// signal adds one, an unchanged one takes one off (decay, not reset, so an
// intermittent flapper still gets caught), a first sighting starts at 0, and
// snapshots that are gone drop out. LOOOP_FLAP_STREAK (5; 0 = off) flags a sensor.
// The ledger only informs (a warning, a prompt section), so a corrupt one is reported
// and rebuilt from scratch.
import type { WorldItems } from '../world/view.ts';
import { firstProblem, guardPath, isCount, isObject, readGuardJson, writeGuard, type GuardCtx, type Problem } from './guardFile.ts';
import { flapStreak } from './knobs.ts';

export const FLAP_FILE = '.signal-flap.json';

export interface FlapEntry {
  /** The last signal seen; null when the entry was corrupt (next sighting re-baselines). */
  readonly last: string | null;
  readonly streak: number;
}

/** Reads the ledger: stem → entry (corrupt entries have last null, streak 0). */
export function inspectFlap(ctx: GuardCtx): { ledger: Map<string, FlapEntry>; problem: Problem } {
  const file = guardPath(ctx, FLAP_FILE);
  const ledger = new Map<string, FlapEntry>();
  const r = readGuardJson(file);
  if (r.kind === 'absent') return { ledger, problem: null };
  const snaps = r.kind === 'ok' && isObject(r.value) && r.value.v === 1 && isObject(r.value.snaps) ? r.value.snaps : null;
  if (snaps === null) {
    const why = r.kind === 'bad' ? r.problem : `${file} is not a flap ledger`;
    return { ledger, problem: `${why} — flap counts start again from this beat` };
  }
  for (const [name, e] of Object.entries(snaps)) {
    const ok = isObject(e) && typeof e.last === 'string' && isCount(e.streak);
    ledger.set(name, ok ? { last: e.last as string, streak: e.streak as number } : { last: null, streak: 0 });
  }
  return { ledger, problem: null };
}

/** Names at or over the threshold, sorted; none when the threshold is 0 (off). */
export function flaggedSensors(ledger: ReadonlyMap<string, FlapEntry>, threshold: number): string[] {
  if (threshold <= 0) return [];
  return [...ledger].filter(([, e]) => e.streak >= threshold).map(([n]) => n).sort();
}

export interface FlapUpdate {
  /** Every sensor at or over the threshold, sorted (the prompt's FLAPPING SENSORS). */
  readonly flapping: readonly string[];
  /** Sensors that reached the threshold exactly on this beat: warn about these once. */
  readonly newlyFlapping: readonly { readonly sensor: string; readonly streak: number }[];
  readonly problem: Problem;
}

/** One beat's bookkeeping over the items it sensed (only `snap:*` keys count). */
export function updateFlap(ctx: GuardCtx, items: WorldItems): FlapUpdate {
  const threshold = flapStreak(ctx);
  const { ledger: before, problem } = inspectFlap(ctx);
  const after = new Map<string, FlapEntry>();
  for (const key of Object.keys(items).sort()) {
    if (!key.startsWith('snap:')) continue;
    const name = key.slice('snap:'.length);
    const signal = items[key] as string;
    const prev = before.get(name);
    let streak = 0;
    if (prev !== undefined && prev.last !== null) streak = prev.last === signal ? Math.max(0, prev.streak - 1) : prev.streak + 1;
    after.set(name, { last: signal, streak });
  }
  const snaps = Object.fromEntries([...after].map(([n, e]) => [n, { last: e.last, streak: e.streak }]));
  const wrote = writeGuard(guardPath(ctx, FLAP_FILE), `${JSON.stringify({ v: 1, snaps })}\n`);
  const newlyFlapping = threshold <= 0 ? [] : [...after].filter(([, e]) => e.streak === threshold).map(([sensor, e]) => ({ sensor, streak: e.streak }));
  return { flapping: flaggedSensors(after, threshold), newlyFlapping, problem: firstProblem(problem, wrote) };
}

/** The flapping sensors as the ledger stands (for the prompt and reports), sorted. */
export function flappingSensors(ctx: GuardCtx): string[] {
  return flaggedSensors(inspectFlap(ctx).ledger, flapStreak(ctx));
}
