// Where a session's files live, and how its record is recognised (no XState here:
// the fleet listing runs on the claim and tell paths, which must stay light).
import path from 'node:path';
import { SESSION_STATES, sessionContextProblem, type SessionContext } from '../../machines/sessionTypes.ts';
import type { EntityKind } from '../store/envelope.ts';
import type { Paths } from '../paths.ts';

export const SESSION_KIND: EntityKind<SessionContext> = {
  name: 'session',
  version: 1,
  states: SESSION_STATES,
  contextProblem: sessionContextProblem,
};

export const DEFAULT_COLS = 80;
export const DEFAULT_ROWS = 24;

export interface SessionFiles {
  readonly dir: string;
  /** The persisted machine (starting → running → exited | killed | dead). */
  readonly record: string;
  /** Every byte the PTY produced, append-only. */
  readonly output: string;
  /** Geometry changes and lifecycle marks with their output.log offsets (JSON lines). */
  readonly events: string;
  /** The last frame, written by the host at exit. */
  readonly screenFinal: string;
  /** The host's own stdout/stderr. */
  readonly hostLog: string;
  readonly inboxTmp: string;
  readonly inboxNew: string;
  readonly outbox: string;
}

/** The files of session `id`. The caller has validated `id` as one path segment. */
export function sessionFiles(paths: Paths, id: string): SessionFiles {
  const dir = path.join(paths.sessions, id);
  return {
    dir,
    record: path.join(dir, 'session.json'),
    output: path.join(dir, 'output.log'),
    events: path.join(dir, 'events.jsonl'),
    screenFinal: path.join(dir, 'screen.final.json'),
    hostLog: path.join(dir, 'host.log'),
    inboxTmp: path.join(dir, 'inbox', 'tmp'),
    inboxNew: path.join(dir, 'inbox', 'new'),
    outbox: path.join(dir, 'outbox'),
  };
}
