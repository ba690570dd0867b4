// The typed move: every action the decider (or a steering verb) can ask for, as one
// zod schema. The schema is the only validator: an id that would escape its folder,
// a wrong field type or a missing field never reaches execution.
import { z } from 'zod';
import { idProblem, type IdKind } from '../ids.ts';

function idField(kind: IdKind) {
  return z.string().superRefine((s, ctx) => {
    const problem = idProblem(s, kind);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `not a valid ${kind}: ${problem}` });
  });
}

/** Text that must say something (a command, a body, a prompt). */
const text = z.string().refine((s) => s.trim() !== '', { message: 'must not be blank' });
/** Text that bash runs: a NUL byte cannot survive exec, so refuse it up front. */
const shellText = text.refine((s) => !s.includes('\0'), { message: 'must not contain a NUL byte' });
const optionalNote = z.string().optional();

export const MIN_EVERY_S = 60;

const noop = z.object({ action: z.literal('noop'), reason: optionalNote });
const runShell = z.object({ action: z.literal('run_shell'), cmd: shellText, reason: optionalNote });
const writeGoal = z.object({ action: z.literal('write_goal'), id: idField('goal id'), body: text });
const archiveGoal = z.object({ action: z.literal('archive_goal'), id: idField('goal id') });
const writeSensor = z.object({ action: z.literal('write_sensor'), name: idField('sensor id'), script: shellText });
const writePlaybook = z.object({ action: z.literal('write_playbook'), body: text });
const startWorker = z.object({
  action: z.literal('start_worker'),
  id: idField('worker id'),
  prompt: text,
  command: shellText.optional(),
  verify: shellText.optional(),
});
const killWorker = z.object({ action: z.literal('kill_worker'), id: idField('worker id'), reason: optionalNote });
const positiveSeconds = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const writeSchedule = z
  .object({
    action: z.literal('write_schedule'),
    name: idField('schedule name'),
    in_s: positiveSeconds.optional(),
    every_s: positiveSeconds.min(MIN_EVERY_S, { message: `must be >= ${MIN_EVERY_S} (use next_interval_s for tighter follow-ups)` }).optional(),
    note: optionalNote,
  })
  .refine((a) => (a.in_s === undefined) !== (a.every_s === undefined), {
    message: 'give exactly one of in_s (one-shot) or every_s (recurring)',
  });
const dropSchedule = z.object({ action: z.literal('drop_schedule'), name: idField('schedule name') });

export const actionSchema = z.discriminatedUnion('action', [
  noop,
  runShell,
  writeGoal,
  archiveGoal,
  writeSensor,
  writePlaybook,
  startWorker,
  killWorker,
  writeSchedule,
  dropSchedule,
]);

export type Action = z.infer<typeof actionSchema>;
export type ActionName = Action['action'];

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
