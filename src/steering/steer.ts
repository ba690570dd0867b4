// The steering moves as one path, shared by the CLI verbs and the pulse's executor
// (src/actions/execute.ts): write the file, then `recordMove`: stamp the goal's
// activity and leave the two trails. Every executed move, whatever its kind, is
// recorded through `recordMove`. The trails come after the write on purpose: a
// journal line is a claim that the move happened.
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
  readonly runId?: string | undefined;
}

export interface SteeringResult {
  /** The executor summary: `write-goal ship`, `archive-goal ship`, `write-sensor ci`, `write-playbook`. */
  readonly summary: string;
  /** The file written (for an archive, where the goal went). */
  readonly file: string;
  readonly journal: string;
  readonly journaled: boolean;
}

/** What every executed move leaves behind. */
export interface MoveRecord {
  /** The action name (`write_goal`, `run_shell`, …). */
  readonly action: string;
  /** The id or name the move acted on, if any. */
  readonly id?: string | undefined;
  readonly summary: string;
  /** The goal whose activity this move stamps, if any. */
  readonly goal: string | null;
}

/** Writes only: throws (LooopError) before anything is written when the move is refused. */
export function applySteering(ctx: Ctx, move: SteeringMove): { summary: string; file: string; goal: string | null } {
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

/**
 * The trail of one executed move: the goal stamp, ONE journal line (the given
 * journal when not blank, else the summary) and one `steered` event. Best-effort:
 * the move already happened, so nothing here throws.
 */
export function recordMove(ctx: Ctx, move: MoveRecord, opts: SteeringOptions): { journal: string; journaled: boolean } {
  if (move.goal !== null) stampGoal(ctx, move.goal);
  const given = opts.journal?.trim() ?? '';
  const journal = given === '' ? move.summary : given;
  const j = appendJournal(ctx, journal);
  emitEvent(ctx, 'steered', {
    action: move.action,
    ...(move.id === undefined ? {} : { id: move.id }),
    summary: move.summary,
    journal: journal.replace(/[\r\n]+/g, ' '),
    source: opts.source,
    ...(opts.runId === undefined ? {} : { run_id: opts.runId }),
  });
  return { journal, journaled: j.ok };
}

/** Executes one steering move. Throws (LooopError) before anything is written when the move is refused. */
export function executeSteering(ctx: Ctx, move: SteeringMove, opts: SteeringOptions): SteeringResult {
  const { summary, file, goal } = applySteering(ctx, move);
  const r = recordMove(ctx, { action: move.kind, id: 'id' in move ? move.id : undefined, summary, goal }, opts);
  return { summary, file, journal: r.journal, journaled: r.journaled };
}
