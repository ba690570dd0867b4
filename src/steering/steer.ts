// The steering moves as one path, shared by the CLI verbs and (next) the pulse's
// executor: write the file, stamp the goal's activity, then leave the two trails. The
// trails come after the write on purpose: a journal line is a claim that the move
// happened.
import type { Ctx } from '../context.ts';
import { archiveGoal, writeGoal, writePlaybook, writeSensor } from './policyWrites.ts';
import { stampGoal } from './goalActivity.ts';
import { appendJournal, emitEvent } from './trail.ts';

export type SteeringMove =
  | { readonly kind: 'write_goal'; readonly id: string; readonly body: Buffer }
  | { readonly kind: 'archive_goal'; readonly id: string }
  | { readonly kind: 'write_sensor'; readonly id: string; readonly body: Buffer }
  | { readonly kind: 'write_playbook'; readonly body: Buffer };

export interface SteeringOptions {
  /** Replaces the journal text (`--journal T`, or the decision's `journal`) when not blank. */
  readonly journal?: string | undefined;
  /** Who moved: a human at the CLI, or the pulse (with its run id). */
  readonly source: 'cli' | 'pulse';
  readonly runId?: string;
}

export interface SteeringResult {
  /** The executor summary: `write-goal ship`, `archive-goal ship`, `write-sensor ci`, `write-playbook`. */
  readonly summary: string;
  /** The file written (for an archive, where the goal went). */
  readonly file: string;
  readonly journal: string;
  readonly journaled: boolean;
}

function apply(ctx: Ctx, move: SteeringMove): { summary: string; file: string; goal: string | null } {
  switch (move.kind) {
    case 'write_goal':
      return { summary: `write-goal ${move.id}`, file: writeGoal(ctx, move.id, move.body), goal: move.id };
    case 'archive_goal':
      return { summary: `archive-goal ${move.id}`, file: archiveGoal(ctx, move.id), goal: move.id };
    case 'write_sensor':
      return { summary: `write-sensor ${move.id}`, file: writeSensor(ctx, move.id, move.body), goal: null };
    case 'write_playbook':
      return { summary: 'write-playbook', file: writePlaybook(ctx, move.body), goal: null };
  }
}

/** Executes one steering move. Throws (LooopError) before anything is written when the move is refused. */
export function executeSteering(ctx: Ctx, move: SteeringMove, opts: SteeringOptions): SteeringResult {
  const { summary, file, goal } = apply(ctx, move);
  if (goal !== null) stampGoal(ctx, goal);
  const given = opts.journal?.trim() ?? '';
  const journal = given === '' ? summary : given;
  const j = appendJournal(ctx, journal);
  emitEvent(ctx, 'steered', {
    action: move.kind,
    ...('id' in move ? { id: move.id } : {}),
    summary,
    journal: journal.replace(/[\r\n]+/g, ' '),
    source: opts.source,
    ...(opts.runId === undefined ? {} : { run_id: opts.runId }),
  });
  return { summary, file, journal, journaled: j.ok };
}
