import path from 'node:path';
import { CLAIM_STATES, claimContextProblem, type ClaimContext } from '../../machines/claimTypes.ts';
import type { EntityKind } from '../store/envelope.ts';
import type { Paths } from '../paths.ts';

export const CLAIM_KIND: EntityKind<ClaimContext> = {
  name: 'claim',
  version: 1,
  states: CLAIM_STATES,
  contextProblem: claimContextProblem,
};

export function claimFile(paths: Paths, name: string): string {
  return path.join(paths.claims, `${name}.json`);
}
