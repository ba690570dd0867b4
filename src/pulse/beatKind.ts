import path from 'node:path';
import { BEAT_STATES, beatContextProblem, type BeatContext } from '../../machines/beatTypes.ts';
import type { EntityKind } from '../store/envelope.ts';
import type { Paths } from '../paths.ts';

export const BEAT_KIND: EntityKind<BeatContext> = {
  name: 'beat',
  version: 1,
  states: BEAT_STATES,
  contextProblem: beatContextProblem,
};

/** One beat record per data dir: there is one pulse. */
export function beatFile(paths: Paths): string {
  return path.join(paths.dataDir, 'beat.json');
}
