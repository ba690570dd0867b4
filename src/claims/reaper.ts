// The stale-claim sweep the pulse runs each beat: every held claim whose holder is
// no longer alive moves to `reaped`. It fails closed twice: no sweep at all when the
// fleet cannot be enumerated, and each candidate's holder is re-checked on the
// freshest record right before the keyed compare-and-swap, so a lease re-acquired
// or refreshed since we looked (new nonce) is left alone.
import type { Ctx } from '../context.ts';
import { updateEntity } from '../store/entityStore.ts';
import type { ClaimContext } from '../../machines/claimTypes.ts';
import { CLAIM_ENTITY } from './claimEntity.ts';
import { claimFile } from './claimKind.ts';
import { listClaims, type InvalidClaim } from './claimRecords.ts';
import { fleetLiveness, holderAlive, type HolderLiveness } from './liveness.ts';

export interface ReapedClaim {
  readonly name: string;
  readonly holder: string;
  readonly at: string;
}

export interface ReapReport {
  /** Why the sweep was skipped (fleet not enumerable), or null when it ran. */
  readonly skipped: string | null;
  readonly reaped: readonly ReapedClaim[];
  readonly invalid: readonly InvalidClaim[];
}

/** The lease a reaper judged stale: it may only reap that exact acquisition. */
export type ObservedLease = Pick<ClaimContext, 'holder' | 'nonce'>;

/**
 * Reaps claim `name` only if the file still holds the observed lease (same holder and
 * nonce) and its holder is still not alive. Returns true when it reaped.
 */
export async function reapIfUnchanged(ctx: Ctx, name: string, observed: ObservedLease, liveness: HolderLiveness): Promise<boolean> {
  const { holder, nonce } = observed;
  const r = await updateEntity(
    claimFile(ctx.paths, name),
    CLAIM_ENTITY,
    (cur) => {
      const same = cur.state === 'held' && cur.context.holder === holder && cur.context.nonce === nonce;
      if (!same || holderAlive(liveness, holder)) return [];
      return [{ type: 'REAP' as const, holder, at: ctx.now().toISOString() }];
    },
    ctx.now,
  );
  return r.kind === 'updated' && r.envelope.state === 'reaped';
}

export async function reapStaleClaims(ctx: Ctx, liveness: HolderLiveness = fleetLiveness(ctx)): Promise<ReapReport> {
  let live: ReadonlySet<string>;
  try {
    live = liveness.liveIds();
  } catch (e) {
    return { skipped: `cannot enumerate the fleet (${(e as Error).message}) — skipping the stale-claim sweep`, reaped: [], invalid: [] };
  }
  const { claims, invalid } = listClaims(ctx);
  const reaped: ReapedClaim[] = [];
  for (const c of claims) {
    if (c.state !== 'held' || live.has(c.context.holder)) continue;
    if (await reapIfUnchanged(ctx, c.name, c.context, liveness)) reaped.push({ name: c.name, holder: c.context.holder, at: ctx.now().toISOString() });
  }
  return { skipped: null, reaped, invalid };
}
