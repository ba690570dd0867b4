// The demo decider: a deterministic stand-in for the LLM in `tick_command`. The pulse
// runs it in the data dir; like any decider it reads the world through looop itself
// (`$LOOOP_BIN state --json`, the goal files, reports/) and writes exactly one move to
// `.decision.json`. It prints one line saying what it decided and why, which the
// pulse keeps in the run's output.log. See rules.ts for the rules.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DECISION_FILE } from '../decide/decision.ts';
import { readDataFile } from '../store/dataFile.ts';
import { writeAtomic } from '../store/fsio.ts';
import { DAILY_PLAYBOOK_GOAL, SETUP_GOAL } from '../steering/seedText.ts';
import { decideDemo, type DemoGoal, type DemoWorld } from './rules.ts';
import { failure, runLooop } from './looopCli.ts';

/** The part of `state --json` the demo needs; anything else there is ignored. */
const stateSchema = z.object({
  goals: z.array(z.string()),
  workers: z.array(z.object({ id: z.string(), alive: z.boolean(), state: z.string(), exit_code: z.number().nullable() })),
  asks: z.array(z.object({ id: z.string(), worker: z.string() })),
});

const MAX_GOAL_BYTES = 256 * 1024;
const SEEDED: Record<string, string> = { setup: SETUP_GOAL, 'playbook-daily': DAILY_PLAYBOOK_GOAL };

function readGoal(dataDir: string, id: string): DemoGoal {
  const r = readDataFile(path.join(dataDir, 'goals', `${id}.md`), MAX_GOAL_BYTES);
  if (r.kind === 'absent') return { id, text: null, problem: 'vanished while the decider read it', seeded: false };
  if (r.kind === 'refused') return { id, text: null, problem: r.problem, seeded: false };
  const text = r.bytes.toString('utf8');
  return { id, text, seeded: SEEDED[id] === text };
}

function hasReport(dataDir: string, id: string): boolean {
  try {
    return fs.lstatSync(path.join(dataDir, 'reports', `${id}.md`)).isFile();
  } catch {
    return false;
  }
}

function fail(message: string): never {
  process.stderr.write(`demo decider: ${message}\n`);
  process.exit(1);
}

function main(): void {
  const env = { ...process.env };
  // The pulse runs deciders in the data dir and exports LOOOP_DATA_DIR; by hand, the cwd will do.
  const dataDir = env.LOOOP_DATA_DIR !== undefined && env.LOOOP_DATA_DIR !== '' ? path.resolve(env.LOOOP_DATA_DIR) : process.cwd();
  env.LOOOP_DATA_DIR = dataDir;
  const args = ['state', '--json'];
  const r = runLooop(args, env);
  if (r.code !== 0) fail(failure(args, r));
  let raw: unknown;
  try {
    raw = JSON.parse(r.stdout);
  } catch (e) {
    fail(`looop state --json printed no JSON (${(e as Error).message})`);
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) fail(`looop state --json is not the shape the demo expects: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const state = parsed.data;
  const world: DemoWorld = {
    goals: state.goals.map((id) => readGoal(dataDir, id)),
    workers: state.workers.map((w) => ({ id: w.id, alive: w.alive, state: w.state, exitCode: w.exit_code })),
    asks: state.asks,
    reports: new Set(state.goals.filter((id) => hasReport(dataDir, id))),
  };
  const move = decideDemo(world);
  writeAtomic(path.join(dataDir, DECISION_FILE), `${JSON.stringify({ ...move.action, journal: move.journal })}\n`);
  process.stdout.write(`demo decider: ${move.line}\n`);
}

main();
