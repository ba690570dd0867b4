// Taking a claim: an atomic test-and-set over the claim file. An absent file is
// taken by exclusive create; an existing one moves through the claim machine with a
// compare-and-swap on `rev`, so of N concurrent claimers exactly one publishes.
// Liveness is judged inside the CAS's decide step, on the freshest record, and the
// publish only lands if that record is still current: a lease refreshed or taken
// between our look and our write is re-judged, never stolen.
//
// Two shortcuts keep contention cheap without deciding anything: a lease held by a
// live session is refused from a plain read (no XState, no write), and claimers of a
// free claim queue at an advisory gate (gate.ts) so that only one of them computes a
// transition and takes the store's write token at a time.
import path from 'node:path';
import { unixSeconds, type Ctx } from '../context.ts';
import { ensureDir } from '../store/fsio.ts';
import { readEntity, type Envelope } from '../store/envelope.ts';
import type { ClaimContext, ClaimEvent } from '../../machines/claimTypes.ts';
import { CLAIM_KIND, claimFile } from './claimKind.ts';
import { holderVerdict, type HolderLiveness, type HolderVerdict } from './liveness.ts';
import { newNonce } from './nonce.ts';
import { enterGate, gateOpened } from './gate.ts';

export type AcquireResult =
  | { readonly kind: 'won'; readonly name: string; readonly lease: Envelope<ClaimContext>; readonly reclaimedFrom: string | null }
  | { readonly kind: 'refreshed'; readonly name: string; readonly lease: Envelope<ClaimContext> }
  /** `unknown`: the holder's liveness could not be told (it counts as alive: fail closed). */
  | { readonly kind: 'held'; readonly name: string; readonly holder: string; readonly unknown: Unknown | null }
  | { readonly kind: 'invalid'; readonly file: string; readonly problem: string; readonly newer: boolean }
  /** The file kept changing hands under us for every attempt. */
  | { readonly kind: 'contention'; readonly name: string };

type Unknown = Extract<HolderVerdict, { kind: 'unknown' }>;

type Verdict =
  | { readonly kind: 'take'; readonly from: string | null }
  | { readonly kind: 'refresh' }
  | { readonly kind: 'held'; readonly holder: string; readonly unknown: Unknown | null };

// Each retry happens only because another process published in between, so a few
// rounds are plenty; past that something is churning the file and the caller should hear.
const MAX_ATTEMPTS = 8;
// How long a claimer waits, in total, for other claimers' gates before going to the CAS anyway.
const GATE_PATIENCE_MS = 5_000;

function judge(cur: Envelope<ClaimContext>, owner: string, liveness: HolderLiveness): Verdict {
  if (cur.state !== 'held') return { kind: 'take', from: null };
  const holder = cur.context.holder;
  if (holder === owner) return { kind: 'refresh' };
  const v = holderVerdict(liveness, holder);
  if (v.kind === 'not-live') return { kind: 'take', from: holder };
  return { kind: 'held', holder, unknown: v.kind === 'unknown' ? v : null };
}

function eventsFor(v: Verdict, owner: string, now: Date): ClaimEvent[] {
  if (v.kind === 'held') return [];
  const at = now.toISOString();
  const claim: ClaimEvent = { type: 'CLAIM', session: owner, nonce: newNonce(), at, ts: unixSeconds(now) };
  // A dead holder's lease is reaped and taken in one published revision.
  return v.kind === 'take' && v.from !== null ? [{ type: 'REAP', holder: v.from, at }, claim] : [claim];
}

export async function acquireClaim(ctx: Ctx, name: string, owner: string, liveness: HolderLiveness): Promise<AcquireResult> {
  const file = claimFile(ctx.paths, name);
  const deadline = Date.now() + GATE_PATIENCE_MS;
  let attempts = 0;
  while (attempts < MAX_ATTEMPTS) {
    // Fast path for the common refusal: a lease held by someone alive needs no write, so
    // losers never load XState. Whatever this look says, the CAS below re-judges it.
    const look = readEntity(file, CLAIM_KIND);
    if (look.kind === 'invalid') return look;
    const verdict = look.kind === 'ok' ? judge(look.envelope, owner, liveness) : null;
    if (verdict?.kind === 'held') return { kind: 'held', name, holder: verdict.holder, unknown: verdict.unknown };
    // A refresh only races the reaper; a free claim races every other claimer: gate it.
    const gate = verdict?.kind === 'refresh' ? ({ kind: 'open' } as const) : enterGate(file);
    if (gate.kind === 'busy' && Date.now() < deadline) {
      await gateOpened(file, deadline - Date.now());
      continue;
    }
    attempts += 1;
    try {
      const r = await casOnce(ctx, file, name, owner, liveness);
      if (r !== null) return r;
    } finally {
      if (gate.kind === 'entered') gate.leave();
    }
  }
  return { kind: 'contention', name };
}

/** One exclusive-create or compare-and-swap attempt; null when the file changed hands and we must look again. */
async function casOnce(ctx: Ctx, file: string, name: string, owner: string, liveness: HolderLiveness): Promise<AcquireResult | null> {
  const { createEntity, updateEntity, CLAIM_ENTITY } = await import('./claimWrites.ts');
  const seen: { verdict: Verdict | null } = { verdict: null };
  const r = await updateEntity(
    file,
    CLAIM_ENTITY,
    (cur) => {
      seen.verdict = judge(cur, owner, liveness);
      return eventsFor(seen.verdict, owner, ctx.now());
    },
    ctx.now,
  );
  if (r.kind === 'invalid') return r;
  if (r.kind === 'absent') {
    ensureDir(path.dirname(file));
    const now = ctx.now();
    const lease = createEntity(file, CLAIM_ENTITY, { name, session: owner, nonce: newNonce(), at: now.toISOString(), ts: unixSeconds(now) }, now);
    return lease === null ? null : { kind: 'won', name, lease, reclaimedFrom: null };
  }
  const verdict = seen.verdict;
  if (verdict === null) return null;
  if (r.kind === 'unchanged') return verdict.kind === 'held' ? { kind: 'held', name, holder: verdict.holder, unknown: verdict.unknown } : null;
  if (r.envelope.state !== 'held' || r.envelope.context.holder !== owner) return null;
  if (verdict.kind === 'refresh') return { kind: 'refreshed', name, lease: r.envelope };
  return { kind: 'won', name, lease: r.envelope, reclaimedFrom: verdict.kind === 'take' ? verdict.from : null };
}
