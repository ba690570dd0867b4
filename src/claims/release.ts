// Releasing a claim: the holder (or anyone, once the holder is dead) moves it to
// `released` through the claim machine with compare-and-swap, so a release judged on
// one lease never lands on a newer one.
import type { Ctx } from '../context.ts';
import type { Envelope } from '../store/envelope.ts';
import type { ClaimContext } from '../../machines/claimTypes.ts';
import { claimFile } from './claimKind.ts';
import { holderVerdict, type HolderLiveness, type HolderVerdict } from './liveness.ts';

export type ReleaseResult =
  /** `stale`: the holder was someone else, and dead. */
  | { readonly kind: 'released'; readonly name: string; readonly holder: string; readonly stale: boolean; readonly lease: Envelope<ClaimContext> }
  /** No file, or already released / reaped: nothing to do. */
  | { readonly kind: 'not-held'; readonly name: string }
  /** `unknown`: the holder's liveness could not be told (it counts as alive: fail closed). */
  | { readonly kind: 'refused'; readonly name: string; readonly holder: string; readonly unknown: Unknown | null }
  | { readonly kind: 'invalid'; readonly file: string; readonly problem: string; readonly newer: boolean };

type Unknown = Extract<HolderVerdict, { kind: 'unknown' }>;

type Verdict =
  | { readonly kind: 'release'; readonly holder: string; readonly stale: boolean }
  | { readonly kind: 'not-held' }
  | { readonly kind: 'refused'; readonly holder: string; readonly unknown: Unknown | null };

function judge(cur: Envelope<ClaimContext>, owner: string, liveness: HolderLiveness): Verdict {
  if (cur.state !== 'held') return { kind: 'not-held' };
  const holder = cur.context.holder;
  if (owner !== '' && holder === owner) return { kind: 'release', holder, stale: false };
  const v = holderVerdict(liveness, holder);
  if (v.kind === 'not-live') return { kind: 'release', holder, stale: true };
  return { kind: 'refused', holder, unknown: v.kind === 'unknown' ? v : null };
}

/** `owner` may be empty: then only a dead holder's claim can be released. */
export async function releaseClaim(ctx: Ctx, name: string, owner: string, liveness: HolderLiveness): Promise<ReleaseResult> {
  const seen: { verdict: Verdict | null } = { verdict: null };
  const { updateEntity, CLAIM_ENTITY } = await import('./claimWrites.ts');
  const r = await updateEntity(
    claimFile(ctx.paths, name),
    CLAIM_ENTITY,
    (cur) => {
      const v = judge(cur, owner, liveness);
      seen.verdict = v;
      if (v.kind !== 'release') return [];
      return [{ type: 'RELEASE' as const, holder: v.holder, by: owner === '' ? null : owner, at: ctx.now().toISOString() }];
    },
    ctx.now,
  );
  if (r.kind === 'invalid') return r;
  if (r.kind === 'absent') return { kind: 'not-held', name };
  const v = seen.verdict;
  if (v === null || v.kind === 'not-held') return { kind: 'not-held', name };
  if (v.kind === 'refused') return { kind: 'refused', name, holder: v.holder, unknown: v.unknown };
  if (r.kind === 'unchanged') return { kind: 'refused', name, holder: v.holder, unknown: null };
  return { kind: 'released', name, holder: v.holder, stale: v.stale, lease: r.envelope };
}
