// Whether a claim's holder is alive. Claims trust the session engine (`sessionAlive`,
// `listFleet`); tests and the benchmark may pass another oracle to isolate the
// test-and-set from session start-up. Every caller goes through `holderVerdict` (or
// `holderAlive`), which fail closed: a holder whose record cannot be read counts as
// alive, so no lease is ever taken from a holder we merely failed to see — and the
// verdict says why, so nobody is told the holder is live when that is not known.
import type { Ctx } from '../context.ts';
import { isLooopError } from '../errors.ts';
import { idProblem } from '../ids.ts';
import { listFleet, sessionAlive } from '../sessions/fleet.ts';

export interface HolderLiveness {
  /** Throws when liveness cannot be determined. */
  readonly isAlive: (sessionId: string) => boolean;
  /** Ids of every live session; throws when the fleet cannot be enumerated. */
  readonly liveIds: () => ReadonlySet<string>;
}

export function fleetLiveness(ctx: Ctx): HolderLiveness {
  return {
    isAlive: (id) => sessionAlive(ctx, id),
    liveIds: () => new Set(listFleet(ctx).filter((s) => s.alive).map((s) => s.id)),
  };
}

/** What is known of a holder: live, not live, or unknown (its record could not be read). */
export type HolderVerdict =
  | { readonly kind: 'live' }
  | { readonly kind: 'not-live' }
  /** `record`: the session record that could not be read, when that was the trouble. */
  | { readonly kind: 'unknown'; readonly problem: string; readonly record: string | null };

const RECORD_CODES = new Set(['CORRUPT_FILE', 'BAD_FILE', 'UNSUPPORTED_VERSION']);

export function holderVerdict(liveness: HolderLiveness, holder: string): HolderVerdict {
  // A holder that is not a valid session id (hand-edited file) can never be a live session,
  // and must not reach the session store as a path.
  if (idProblem(holder) !== null) return { kind: 'not-live' };
  try {
    return liveness.isAlive(holder) ? { kind: 'live' } : { kind: 'not-live' };
  } catch (e) {
    const record = isLooopError(e) && RECORD_CODES.has(e.code) ? `sessions/${holder}/session.json` : null;
    return { kind: 'unknown', problem: e instanceof Error ? e.message : String(e), record };
  }
}

/** Fails closed: a holder whose liveness is unknown counts as alive. */
export function holderAlive(liveness: HolderLiveness, holder: string): boolean {
  return holderVerdict(liveness, holder).kind !== 'not-live';
}
