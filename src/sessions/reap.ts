// Corpses: sessions that are over (exited, killed, dead) or whose host vanished.
// Removing one kills whatever it left running (after checking start times), then
// runs the id's generation hygiene — a new worker with the same id must not
// inherit undelivered tells or a stale verify obligation.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { PULSE_ID } from '../ids.ts';
import { discardTells } from '../mailbox/tells.ts';
import { updateEntity } from '../store/entityStore.ts';
import { removeIfExists } from '../store/fsio.ts';
import { listFleet, readSession, type SessionInfo } from './fleet.ts';
import { killOrphans, killSession, type KillResult } from './killSession.ts';
import { SESSION_ENTITY } from './sessionEntity.ts';
import { sessionFiles } from './sessionKind.ts';

/** Clears what an id's previous generation left: pending tells and the verify command/verdict. */
export function generationHygiene(ctx: Ctx, id: string): void {
  discardTells(ctx, id);
  const verify = path.join(ctx.paths.dataDir, 'verify');
  removeIfExists(path.join(verify, `${id}.cmd`));
  removeIfExists(path.join(verify, `${id}.json`));
}

/** Removes session `id` if it is a corpse. Unreadable records are never touched. */
export async function reapSession(ctx: Ctx, id: string): Promise<boolean> {
  const r = readSession(ctx, id);
  if (r.kind !== 'ok' || r.info.alive) return false;
  await killOrphans(r.envelope);
  // fs-extra's remove retries the ENOTEMPTY/EBUSY races a host's last writes can cause.
  const { remove } = await import('fs-extra');
  await remove(sessionFiles(ctx.paths, id).dir);
  generationHygiene(ctx, id);
  return true;
}

/**
 * Removes corpses whose end is at least `ttlSeconds` old (0 = all). A host that
 * vanished without a final record is first recorded `dead` (its end = now), so
 * its age counts from when we noticed. Returns the removed ids.
 */
export async function pruneSessions(ctx: Ctx, ttlSeconds: number): Promise<string[]> {
  const removed: string[] = [];
  const nowMs = ctx.now().getTime();
  for (const s of listFleet(ctx)) {
    if (s.alive) continue;
    if (s.recorded === 'starting' || s.recorded === 'running') {
      const at = ctx.now().toISOString();
      await updateEntity(sessionFiles(ctx.paths, s.id).record, SESSION_ENTITY, (cur) => (cur.state === s.recorded ? [{ type: 'VANISHED' as const, reason: 'the session host vanished without recording an end', at }] : []), ctx.now);
      if (ttlSeconds > 0) continue;
    } else {
      const end = Date.parse(s.endedAt ?? s.lastChange ?? '');
      // An undatable corpse is kept: never delete on evidence we do not have.
      if (Number.isNaN(end) || nowMs - end < ttlSeconds * 1000) continue;
    }
    if (await reapSession(ctx, s.id)) removed.push(s.id);
  }
  return removed;
}

export interface SweepResult {
  readonly killed: KillResult[];
  readonly failed: { readonly id: string; readonly error: string }[];
}

/** What `down` does to the workers: kill every live non-pulse session. */
export async function sweepWorkers(ctx: Ctx): Promise<SweepResult> {
  const live: SessionInfo[] = listFleet(ctx).filter((s) => s.alive && s.id !== PULSE_ID);
  const killed: KillResult[] = [];
  const failed: { id: string; error: string }[] = [];
  await Promise.all(
    live.map(async (s) => {
      try {
        killed.push(await killSession(ctx, s.id));
      } catch (e) {
        failed.push({ id: s.id, error: (e as Error).message });
      }
    }),
  );
  return { killed, failed };
}
