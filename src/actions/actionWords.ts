// The words a move is known by: its kind word for events and `state`, its journal
// summary, the goal it works on. Zod-free on purpose (see action.ts).
import type { Action, ActionName } from './action.ts';

export const ACTION_NAMES: readonly ActionName[] = [
  'noop',
  'run_shell',
  'write_goal',
  'archive_goal',
  'write_sensor',
  'write_playbook',
  'start_worker',
  'kill_worker',
  'write_schedule',
  'drop_schedule',
];

export function isActionName(s: unknown): s is ActionName {
  return typeof s === 'string' && (ACTION_NAMES as readonly string[]).includes(s);
}

/** The short word events and `state` use for a move (`tick.decided`'s `action` field). */
export function kindWord(a: Action): string {
  switch (a.action) {
    case 'noop': return 'noop';
    case 'run_shell': return 'shell';
    case 'write_goal': return 'goal';
    case 'archive_goal': return 'archive';
    case 'write_sensor': return 'sensor';
    case 'write_playbook': return 'playbook';
    case 'start_worker': return 'worker';
    case 'kill_worker': return 'kill';
    case 'write_schedule': return 'schedule';
    case 'drop_schedule': return 'drop-schedule';
  }
}

function withNote(head: string, note: string | undefined): string {
  const n = note?.trim() ?? '';
  return n === '' ? head : `${head} · ${n}`;
}

/** The journal's fallback line for a move whose decision gave no `journal`. */
export function summary(a: Action): string {
  switch (a.action) {
    case 'noop': return withNote('noop', a.reason);
    case 'run_shell': return `run-shell · ${a.reason?.trim() || a.cmd}`;
    case 'write_goal': return `write-goal ${a.id}`;
    case 'archive_goal': return `archive-goal ${a.id}`;
    case 'write_sensor': return `write-sensor ${a.name}`;
    case 'write_playbook': return 'write-playbook';
    case 'start_worker': return `start-worker ${a.id}${a.command !== undefined ? ' (command override)' : ''}`;
    case 'kill_worker': return withNote(`kill-worker ${a.id}`, a.reason);
    case 'write_schedule':
      return a.in_s !== undefined ? `write-schedule ${a.name} (one-shot, due in ${a.in_s}s)` : `write-schedule ${a.name} (recurring, every ${a.every_s}s)`;
    case 'drop_schedule': return `drop-schedule ${a.name}`;
  }
}

/** The goal a move works on (its activity is stamped for FAIRNESS), if any. */
export function goalOf(a: Action): string | null {
  switch (a.action) {
    case 'write_goal':
    case 'archive_goal':
    case 'start_worker':
    case 'kill_worker':
      return a.id;
    default:
      return null;
  }
}

/** Only run_shell is non-idempotent enough to need the write-ahead intent record. */
export function needsIntentRecord(a: Action): boolean {
  return a.action === 'run_shell';
}
