// What the demo decider decides: a pure function of the world it read, so the same
// world always gives the same move. One goal, one worker of the same id; the worker
// leaves reports/<id>.md when it is done, and that report is what closes the goal.
import type { Action } from '../actions/action.ts';
import { idProblem } from '../ids.ts';

export interface DemoGoal {
  readonly id: string;
  /** The goal file's text, or null when it could not be read (`problem` says why). */
  readonly text: string | null;
  readonly problem?: string;
  /** Still exactly what seeding wrote (the first-run `setup` / `playbook-daily` goals). */
  readonly seeded: boolean;
}

export interface DemoWorker {
  readonly id: string;
  readonly alive: boolean;
  readonly state: string;
  readonly exitCode: number | null;
}

export interface DemoAsk {
  readonly id: string;
  readonly worker: string;
}

export interface DemoWorld {
  readonly goals: readonly DemoGoal[];
  readonly workers: readonly DemoWorker[];
  /** The pending asks. */
  readonly asks: readonly DemoAsk[];
  /** Goal ids whose worker left reports/<id>.md. */
  readonly reports: ReadonlySet<string>;
}

export type DemoAction = Extract<Action, { action: 'noop' | 'start_worker' | 'archive_goal' }>;

export interface DemoMove {
  readonly action: DemoAction;
  /** The decision's journal line. */
  readonly journal: string;
  /** What the decider prints (it lands in the run's output.log). */
  readonly line: string;
}

type Verdict =
  | { readonly kind: 'move'; readonly move: DemoMove }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'skip'; readonly id: string };

function ended(w: DemoWorker): string {
  if (w.state === 'exited') return `exited ${w.exitCode ?? '?'}`;
  return w.state;
}

function judge(goal: DemoGoal, world: DemoWorld): Verdict {
  const id = goal.id;
  if (goal.seeded) return { kind: 'skip', id };
  if (goal.text === null) return { kind: 'wait', reason: `goals/${id}.md ${goal.problem ?? 'cannot be read'}` };
  if (goal.text.trim() === '') return { kind: 'wait', reason: `goals/${id}.md is empty: say what the worker should do` };
  const bad = idProblem(id, 'worker id');
  if (bad !== null) return { kind: 'wait', reason: `goal ${id} cannot name a worker (${bad}); rename goals/${id}.md` };
  const worker = world.workers.find((w) => w.id === id);
  if (worker === undefined) {
    return {
      kind: 'move',
      move: {
        action: { action: 'start_worker', id, prompt: goal.text.trimEnd() },
        journal: `demo: goal ${id} has no worker yet, starting one`,
        line: `goal ${id} has no worker → start_worker ${id}`,
      },
    };
  }
  if (worker.alive) {
    const asks = world.asks.filter((a) => a.worker === id).map((a) => a.id);
    if (asks.length > 0) return { kind: 'wait', reason: `worker ${id} waits for an answer to ask ${asks.join(', ')} (looop answer ${asks[0]} …)` };
    return { kind: 'wait', reason: `worker ${id} is ${worker.state}` };
  }
  if (world.reports.has(id)) {
    return {
      kind: 'move',
      move: {
        action: { action: 'archive_goal', id },
        journal: `demo: worker ${id} left reports/${id}.md, archiving goal ${id}`,
        line: `worker ${id} ended (${ended(worker)}) and left reports/${id}.md → archive_goal ${id}`,
      },
    };
  }
  // Restarting here would loop on a worker that can never finish; a human decides.
  return {
    kind: 'wait',
    reason: `worker ${id} ended (${ended(worker)}) without reports/${id}.md; not restarting it (see looop log ${id}, then archive or rewrite the goal)`,
  };
}

function noop(reason: string): DemoMove {
  return { action: { action: 'noop', reason }, journal: `demo: noop · ${reason}`, line: `noop · ${reason}` };
}

/** The one move for this world: the first goal (by id) that needs one, else a noop saying why. */
export function decideDemo(world: DemoWorld): DemoMove {
  const goals = [...world.goals].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const waits: string[] = [];
  const skipped: string[] = [];
  for (const g of goals) {
    const v = judge(g, world);
    if (v.kind === 'move') return v.move;
    if (v.kind === 'wait') waits.push(v.reason);
    else skipped.push(v.id);
  }
  if (waits.length > 0) return noop(waits.join('; '));
  if (skipped.length > 0) return noop(`only the seeded goals (${skipped.join(', ')}) are left; the demo leaves them to a real runner`);
  return noop('no goals: write one with looop goal write <id> "<what to do>"');
}
