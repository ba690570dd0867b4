// Whether a claim's holder is alive. Claims trust the session engine (`sessionAlive`,
// `listFleet`); tests and the benchmark may pass another oracle to isolate the
// test-and-set from session start-up. Every caller goes through `holderAlive`, which
// fails closed: a fleet that cannot be read means "alive", so no lease is ever taken
// from a holder we merely failed to see.
import type { Ctx } from '../context.ts';
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

export function holderAlive(liveness: HolderLiveness, holder: string): boolean {
  // A holder that is not a valid session id (hand-edited file) can never be a live session,
  // and must not reach the session store as a path.
  if (idProblem(holder) !== null) return false;
  try {
    return liveness.isAlive(holder);
  } catch {
    return true;
  }
}
