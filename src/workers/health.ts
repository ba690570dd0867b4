// How a worker is doing, as `worker list` and the pulse read it. An ended worker's
// health says how it ended, so a finished worker is never mistaken for a broken one.
import type { SessionInfo } from '../sessions/fleet.ts';

export type EndedHealth = 'done' | 'failed' | 'killed' | 'dead';
export type Health = 'busy' | 'waiting-ask' | 'stuck' | EndedHealth | 'up' | 'down';

/**
 * done: exited 0. failed: a non-zero exit, death by a signal, or a command that never
 * started. killed: ended by `kill`. dead: the host vanished without recording an end.
 */
export function endedHealth(s: Pick<SessionInfo, 'state' | 'exitCode'>): EndedHealth {
  if (s.state === 'killed') return 'killed';
  if (s.state === 'exited') return s.exitCode === 0 ? 'done' : 'failed';
  return 'dead';
}
