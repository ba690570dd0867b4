// What the decide prompt is built from, read from the data dir in one place. Each file
// is hostile: read bounded, without following links; one that cannot be read is shown
// to the decider as unreadable rather than stopping the beat.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import type { LastFailure, LastShell, PromptAsk, PromptGoal, PromptInput, PromptReading } from '../decide/prompt.ts';
import { DEFAULT_PROMPT_MAX_BYTES } from '../decide/prompt.ts';
import { surveyAsks } from '../mailbox/askSurvey.ts';
import { journalTail } from '../observe/world.ts';
import { sessionAlive } from '../sessions/fleet.ts';
import { readGoalActivity } from '../steering/goalActivity.ts';
import { steeringPaths } from '../steering/layout.ts';
import { readDataFile } from '../store/dataFile.ts';
import { listDir } from '../store/fsio.ts';
import { goalNames, type WorldItems } from '../world/view.ts';

/** The beat's own findings, read by the guards before the prompt is built. */
export interface PromptExtras {
  readonly items: WorldItems;
  readonly baseline: WorldItems | null;
  readonly lastShell: LastShell | null;
  readonly flapping: readonly string[];
  readonly lastFailure: LastFailure | null;
  readonly budgetBytes?: number;
}

const TEXT_MAX_BYTES = 1 << 20;

function text(file: string): string | null {
  const r = readDataFile(file, TEXT_MAX_BYTES);
  if (r.kind === 'ok') return r.bytes.toString('utf8');
  if (r.kind === 'absent') return null;
  return `(unreadable: ${r.problem})`;
}

function goals(ctx: Ctx): PromptGoal[] {
  const dir = steeringPaths(ctx.paths).goals;
  return goalNames(ctx.paths.dataDir).map((name) => ({ id: name.slice(0, -3), body: text(path.join(dir, name)) ?? '' }));
}

function readings(ctx: Ctx): PromptReading[] {
  const dir = steeringPaths(ctx.paths).snapshots;
  return listDir(dir)
    .filter((n) => /^(sensor|sys)-.*\.json$/s.test(n))
    .sort()
    .map((name) => ({ name, text: text(path.join(dir, name)) ?? '' }));
}

async function asks(ctx: Ctx): Promise<PromptAsk[]> {
  const survey = await surveyAsks(ctx, { repair: false });
  const view = (c: (typeof survey.pending)[number]['context'], tag: PromptAsk['tag']): PromptAsk => ({
    id: c.id,
    worker: c.worker,
    prompt: c.prompt,
    ...(c.reference !== null && c.reference !== '' ? { reference: c.reference } : {}),
    ...(c.options.length > 0 ? { options: c.options } : {}),
    tag,
  });
  const byAge = <T extends { context: { ts: number } }>(a: T, b: T) => a.context.ts - b.context.ts;
  return [
    ...[...survey.pending].sort(byAge).map((e) => view(e.context, 'live')),
    ...[...survey.stranded].sort(byAge).map((e) => view(e.context, sessionAlive(ctx, e.context.worker) ? 'stranded-detached' : 'stranded-dead')),
  ];
}

export async function gatherPromptInput(ctx: Ctx, extras: PromptExtras): Promise<PromptInput> {
  const now = ctx.now();
  return {
    dataDir: ctx.paths.dataDir,
    playbook: text(steeringPaths(ctx.paths).playbook),
    goals: goals(ctx),
    readings: readings(ctx),
    asks: await asks(ctx),
    goalActivity: readGoalActivity(ctx),
    journalTail: journalTail(ctx.paths, 20, ctx.warn),
    items: extras.items,
    baseline: extras.baseline,
    lastShell: extras.lastShell,
    flapping: extras.flapping,
    lastFailure: extras.lastFailure,
    nowMs: now.getTime(),
    utcOffsetMinutes: -now.getTimezoneOffset(),
    budgetBytes: extras.budgetBytes ?? DEFAULT_PROMPT_MAX_BYTES,
  };
}
