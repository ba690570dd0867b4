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

// The words and summaries of a move live apart from the schema, so the paths that only
// carry out an already-validated move (worker start, run, the steering verbs) never load zod.
export { ACTION_NAMES, isActionName, kindWord, summary, goalOf, needsIntentRecord } from './actionWords.ts';
