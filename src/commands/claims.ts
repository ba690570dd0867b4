// `looop claim` / `looop unclaim`: validate, resolve the owner, then hand over to the
// lease logic in src/claims. Refusals a worker must act on (held by a live session)
// are data; unusable input or files are LooopErrors.
import path from 'node:path';
import { LooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import { neutralize } from '../terminalText.ts';
import type { Ctx } from '../context.ts';
import { describeInvalid } from '../store/envelope.ts';
import { acquireClaim } from '../claims/acquire.ts';
import { releaseClaim } from '../claims/release.ts';
import { fleetLiveness, holderVerdict, type HolderLiveness, type HolderVerdict } from '../claims/liveness.ts';

export interface ClaimArgs {
  readonly name: string;
  /** The `--session` value as typed; empty or absent falls back to $LOOOP_SESSION_ID. */
  readonly session?: string | undefined;
}

/**
 * What is known of the claimer itself. A lease is protected only while its holder is a
 * live session: held by one that is not (a typo, a finished worker), anyone may take it.
 */
export type Standing = HolderVerdict;

/** `rev` and `nonce` identify the exact lease written, for callers that audit hand-offs. */
export type ClaimOutcome =
  /** `reclaimedFrom`: the holder (not live) whose stale lease this claim took over. */
  | { readonly kind: 'won'; readonly name: string; readonly holder: string; readonly reclaimedFrom: string | null; readonly rev: number; readonly nonce: string; readonly standing: Standing }
  | { readonly kind: 'already-owned'; readonly name: string; readonly holder: string; readonly rev: number; readonly nonce: string; readonly standing: Standing }
  | { readonly kind: 'held'; readonly name: string; readonly holder: string }
  /** Held by a session whose liveness cannot be told (its record is unreadable): it stays held. */
  | { readonly kind: 'unverifiable'; readonly name: string; readonly holder: string; readonly problem: string; readonly record: string | null };

export type UnclaimOutcome =
  | { readonly kind: 'released'; readonly name: string; readonly holder: string; readonly stale: boolean; readonly rev: number }
  | { readonly kind: 'not-held'; readonly name: string }
  | { readonly kind: 'refused'; readonly name: string; readonly holder: string }
  | { readonly kind: 'unverifiable'; readonly name: string; readonly holder: string; readonly problem: string; readonly record: string | null };

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
      return { kind: 'won', name, holder: owner, reclaimedFrom: r.reclaimedFrom, rev: r.lease.rev, nonce: r.lease.context.nonce, standing: holderVerdict(liveness, owner) };
    case 'refreshed':
      return { kind: 'already-owned', name, holder: owner, rev: r.lease.rev, nonce: r.lease.context.nonce, standing: holderVerdict(liveness, owner) };
    case 'held':
      if (r.unknown !== null) return { kind: 'unverifiable', name, holder: r.holder, problem: r.unknown.problem, record: r.unknown.record };
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
  if (r.kind === 'refused') {
    if (r.unknown !== null) return { kind: 'unverifiable', name, holder: r.holder, problem: r.unknown.problem, record: r.unknown.record };
    return { kind: 'refused', name, holder: r.holder };
  }
  return r;
}

/**
 * The stderr lines a claim outcome calls for, beyond `claimed <name>`: a lease that
 * is not protected, a stale lease taken over, a holder whose liveness is unknown.
 */
export function claimNotices(verb: 'claim' | 'unclaim', r: ClaimOutcome | UnclaimOutcome): string[] {
  // Holders and problems come from files anyone can edit: inert text only.
  const lines: string[] = [];
  const n = neutralize;
  if (r.kind === 'unverifiable') {
    const why = r.record === null ? 'looop cannot tell whether it is live' : 'its session record is corrupt, so looop cannot tell whether it is live';
    lines.push(`looop: ${verb} ${r.name}: held by session '${r.holder}', but ${why}; the lease stays held: ${n(r.problem)}`);
    if (r.record !== null) {
      lines.push(`  repair ${r.record}, or, if no worker '${r.holder}' is running, remove ${path.dirname(r.record)} to free its leases`);
    }
    return lines;
  }
  if (r.kind === 'won' && r.reclaimedFrom !== null) {
    lines.push(`looop: claim ${r.name}: took over a stale lease from session '${n(r.reclaimedFrom)}', which is not live`);
  }
  if (r.kind === 'won' || r.kind === 'already-owned') {
    const s = r.standing;
    if (s.kind === 'not-live') lines.push(`looop: claim ${r.name}: session '${r.holder}' is not live, so this lease is unprotected: anyone may take it`);
    if (s.kind === 'unknown') lines.push(`looop: claim ${r.name}: cannot tell whether session '${r.holder}' is live (${n(s.problem)}); if it is not, anyone may take this lease`);
  }
  return lines;
}
