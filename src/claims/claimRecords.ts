// Read-only view of claims/ (no XState): for sensors, `state` and completions.
import type { Ctx } from '../context.ts';
import { readEntity } from '../store/envelope.ts';
import { listJsonStems, sweepDeadTemps } from '../store/fsio.ts';
import type { ClaimContext, ClaimState } from '../../machines/claimTypes.ts';
import { CLAIM_KIND, claimFile } from './claimKind.ts';

export interface ClaimView {
  readonly name: string;
  readonly state: ClaimState;
  readonly rev: number;
  readonly context: ClaimContext;
}

export interface InvalidClaim {
  readonly name: string;
  readonly file: string;
  readonly problem: string;
  readonly newer: boolean;
}

export interface ClaimListing {
  readonly claims: readonly ClaimView[];
  /** Files that are not readable claim records; reported, never touched. */
  readonly invalid: readonly InvalidClaim[];
}

/** Every claim file, sorted by name. Callers wanting live leases filter on `state === 'held'`. */
export function listClaims(ctx: Ctx): ClaimListing {
  const claims: ClaimView[] = [];
  const invalid: InvalidClaim[] = [];
  sweepDeadTemps(ctx.paths.claims);
  for (const name of listJsonStems(ctx.paths.claims)) {
    const r = readEntity(claimFile(ctx.paths, name), CLAIM_KIND);
    if (r.kind === 'ok') claims.push({ name, state: r.envelope.state as ClaimState, rev: r.envelope.rev, context: r.envelope.context });
    else if (r.kind === 'invalid') invalid.push({ name, file: r.file, problem: r.problem, newer: r.newer });
    // 'absent': removed between the listing and the read; nothing to show.
  }
  return { claims, invalid };
}
