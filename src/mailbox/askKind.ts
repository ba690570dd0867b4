import path from 'node:path';
import { ASK_STATES, askContextProblem, type AskContext } from '../../machines/askTypes.ts';
import type { EntityKind } from '../store/envelope.ts';
import type { Paths } from '../paths.ts';

export const ASK_KIND: EntityKind<AskContext> = {
  name: 'ask',
  version: 1,
  states: ASK_STATES,
  contextProblem: askContextProblem,
};

export function askFile(paths: Paths, id: string): string {
  return path.join(paths.asks, `${id}.json`);
}
