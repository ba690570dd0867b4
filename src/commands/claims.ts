// `looop claim` / `looop unclaim`: validate, resolve the owner, then hand over to the
// lease logic in src/claims. Refusals a worker must act on (held by a live session)
// are data; unusable input or files are LooopErrors.
import { LooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import type { Ctx } from '../context.ts';
import { describeInvalid } from '../store/envelope.ts';
import { acquireClaim } from '../claims/acquire.ts';
import { releaseClaim } from '../claims/release.ts';
import { fleetLiveness, type HolderLiveness } from '../claims/liveness.ts';

export interface ClaimArgs {
  readonly name: string;
  /** The `--session` value as typed; empty or absent falls back to $LOOOP_SESSION_ID. */
  readonly session?: string | undefined;
}

/** `rev` and `nonce` identify the exact lease written, for callers that audit hand-offs. */
export type ClaimOutcome =
  | { readonly kind: 'won'; readonly name: string; readonly holder: string; readonly reclaimedFrom: string | null; readonly rev: number; readonly nonce: string }
  | { readonly kind: 'already-owned'; readonly name: string; readonly holder: string; readonly rev: number; readonly nonce: string }
  | { readonly kind: 'held'; readonly name: string; readonly holder: string };

export type UnclaimOutcome =
  | { readonly kind: 'released'; readonly name: string; readonly holder: string; readonly stale: boolean; readonly rev: number }
  | { readonly kind: 'not-held'; readonly name: string }
  | { readonly kind: 'refused'; readonly name: string; readonly holder: string };

const CLAIM_USAGE = 'usage: looop claim <name> [--session ID]';

function ownerOf(ctx: Ctx, session: string | undefined): string {
  if (session !== undefined && session !== '') return session;
  return ctx.env.LOOOP_SESSION_ID ?? '';
}

function invalidFile(ctx: Ctx, verb: string, name: string, r: { file: string; problem: string; newer: boolean }): LooopError {
  return new LooopError(r.newer ? 'UNSUPPORTED_VERSION' : 'CORRUPT_FILE', `${verb} ${name}: ${describeInvalid(ctx.paths.dataDir, r)}`);
}

export async function runClaim(ctx: Ctx, args: ClaimArgs, liveness: HolderLiveness = fleetLiveness(ctx)): Promise<ClaimOutcome> {
  const name = validateId('claim name', args.name);
  const owner = ownerOf(ctx, args.session);
  if (owner === '') {
    throw new LooopError('USAGE', `claim ${name}: no session id — pass --session <id> or run inside a worker (where $LOOOP_SESSION_ID is exported)`, { hint: CLAIM_USAGE });
  }
  validateId('session id', owner);
  const r = await acquireClaim(ctx, name, owner, liveness);
  switch (r.kind) {
    case 'won':
      return { kind: 'won', name, holder: owner, reclaimedFrom: r.reclaimedFrom, rev: r.lease.rev, nonce: r.lease.context.nonce };
    case 'refreshed':
      return { kind: 'already-owned', name, holder: owner, rev: r.lease.rev, nonce: r.lease.context.nonce };
    case 'held':
      return { kind: 'held', name, holder: r.holder };
    case 'invalid':
      throw invalidFile(ctx, 'claim', name, r);
    case 'contention':
      throw new LooopError('CONFLICT', `claim ${name}: contention — claims/${name}.json kept changing hands while claiming`, {
        hint: `retry: looop claim ${name}`,
      });
  }
}

export async function runUnclaim(ctx: Ctx, args: ClaimArgs, liveness: HolderLiveness = fleetLiveness(ctx)): Promise<UnclaimOutcome> {
  const name = validateId('claim name', args.name);
  // An empty owner is allowed: it can still clear a claim whose holder is dead.
  const owner = ownerOf(ctx, args.session);
  if (owner !== '') validateId('session id', owner);
  const r = await releaseClaim(ctx, name, owner, liveness);
  if (r.kind === 'invalid') throw invalidFile(ctx, 'unclaim', name, r);
  if (r.kind === 'released') return { kind: 'released', name, holder: r.holder, stale: r.stale, rev: r.lease.rev };
  return r;
}
