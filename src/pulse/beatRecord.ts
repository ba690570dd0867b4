// The beat record (`beat.json`): what the pulse is doing, persisted through the store
// so `state` can show it and a pulse killed mid-beat is recognised by the next one.
// Only the pulse holding the lock writes it; the compare-and-swap still guards a human
// or a stale pulse racing it.
import type { Ctx } from '../context.ts';
import type { BeatContext, BeatEvent } from '../../machines/beatTypes.ts';
import { createEntity, readEntity, updateEntity, type EntityRead, type Envelope } from '../store/entityStore.ts';
import { ensureDir } from '../store/fsio.ts';
import { BEAT_ENTITY } from './beatEntity.ts';
import { beatFile } from './beatKind.ts';

export type BeatOpen =
  | { readonly kind: 'ok'; readonly envelope: Envelope<BeatContext> }
  | { readonly kind: 'invalid'; readonly file: string; readonly problem: string; readonly newer: boolean };

/**
 * Called by a pulse that has just taken the lock: creates the record, or adopts the one
 * a previous pulse left. A record left mid-beat comes back idle with `interrupted` set,
 * for the pulse to report once (then send REPORTED); the interrupted move is never re-run.
 */
export async function openBeat(ctx: Ctx, pid: number): Promise<BeatOpen> {
  const file = beatFile(ctx.paths);
  ensureDir(ctx.paths.dataDir);
  for (;;) {
    const at = ctx.now().toISOString();
    const created = createEntity(file, BEAT_ENTITY, { pid, at }, ctx.now());
    if (created !== null) return { kind: 'ok', envelope: created };
    const r = await updateEntity(file, BEAT_ENTITY, (): BeatEvent[] => [{ type: 'ADOPT', at, pid }], ctx.now);
    if (r.kind === 'updated' || r.kind === 'unchanged') return { kind: 'ok', envelope: r.envelope };
    if (r.kind === 'invalid') return r;
    // absent: removed between the create and the update; create again.
  }
}

/** Moves the beat through the machine; an event the current phase does not take changes nothing. */
export async function advanceBeat(ctx: Ctx, ...events: readonly BeatEvent[]): Promise<BeatOpen | { readonly kind: 'absent' }> {
  const r = await updateEntity(beatFile(ctx.paths), BEAT_ENTITY, () => events, ctx.now, { visibleFirst: true });
  return r.kind === 'updated' || r.kind === 'unchanged' ? { kind: 'ok', envelope: r.envelope } : r;
}

/** For read-only verbs (`state`): the record as it is, validated, without XState. */
export function readBeat(ctx: Ctx): EntityRead<BeatContext> {
  return readEntity<BeatContext>(beatFile(ctx.paths), BEAT_ENTITY);
}
