// Seeding the data dir (§4.9): the directories, then, on first run, the starter
// policy and the `setup-1` ask that wakes a human. Idempotent and never overwriting:
// each file is created exclusively, and PLAYBOOK.md (the "seeded" mark) is written
// last, so a seed cut short by a crash is completed by the next call rather than
// skipped. A human's file always wins over ours.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { createExclusive, ensureDir } from '../store/fsio.ts';
import { readDataFile } from '../store/dataFile.ts';
import { createEntity } from '../store/entityStore.ts';
import { ASK_ENTITY } from '../mailbox/askEntity.ts';
import { askFile } from '../mailbox/askKind.ts';
import { steeringPaths } from './layout.ts';
import { SENSOR_MODE } from './policyWrites.ts';
import { DAILY_PLAYBOOK_GOAL, GITIGNORE, SETUP_ASK_PROMPT, SETUP_GOAL, STARTER_PLAYBOOK, TODAY_SENSOR } from './seedText.ts';

export const SETUP_ASK_ID = 'setup-1';

export interface SeedResult {
  /** True when this call found no PLAYBOOK and seeded the first-run policy. */
  readonly seeded: boolean;
  /** Files this call created, relative to the data dir. */
  readonly created: readonly string[];
}

/** Creates the layout; on first run (no PLAYBOOK.md), the starter policy and the setup ask. */
export function seedLayout(ctx: Ctx): SeedResult {
  const p = ctx.paths;
  const sp = steeringPaths(p);
  ensureDir(p.dataDir);
  for (const d of [path.dirname(p.configPath), sp.sensors, sp.snapshots, p.claims, p.reports, p.asks, p.answers, sp.runs, sp.goalsArchive, p.prompts, sp.schedules, p.tells, p.sessions]) {
    ensureDir(d);
  }
  const created: string[] = [];
  const create = (file: string, body: string, mode?: number): void => {
    if (createExclusive(file, body, mode)) created.push(path.relative(p.dataDir, file));
  };
  // Anything at PLAYBOOK.md (even a symlink or a directory) is the human's: seed only when nothing is there.
  const seeded = readDataFile(sp.playbook).kind === 'absent';
  if (seeded) {
    create(path.join(sp.goals, 'setup.md'), SETUP_GOAL);
    create(path.join(sp.goals, 'playbook-daily.md'), DAILY_PLAYBOOK_GOAL);
    create(path.join(sp.sensors, 'today.sh'), TODAY_SENSOR, SENSOR_MODE);
    const now = ctx.now();
    const ask = askFile(p, SETUP_ASK_ID);
    const env = createEntity(ask, ASK_ENTITY, { id: SETUP_ASK_ID, worker: 'setup', prompt: SETUP_ASK_PROMPT, reference: 'goals/setup.md', options: [], ts: unixSeconds(now), asker: null }, now);
    if (env !== null) created.push(path.relative(p.dataDir, ask));
    create(sp.playbook, STARTER_PLAYBOOK);
  }
  create(sp.gitignore, GITIGNORE);
  return { seeded, created };
}
