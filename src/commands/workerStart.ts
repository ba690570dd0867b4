// `worker start`: validate everything first (reference §7.2 order), then create:
// reap a dead predecessor, store verify, write the prompt, claim the id, launch.
import type { Stats } from 'node:fs';
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { ensureLayout } from '../context.ts';
import { LooopError } from '../errors.ts';
import { PULSE_ID, validateId } from '../ids.ts';
import { removeIfExists, writeAtomic, ensureDir, fsyncDir } from '../store/fsio.ts';
import { workerPrompt } from '../sessions/contract.ts';
import { listFleet, type SessionInfo } from '../sessions/fleet.ts';
import type { StandbyHost } from '../sessions/hostProcess.ts';
import { claimSessionDir, launchSession } from '../sessions/launch.ts';
import { generationHygiene, reapSession } from '../sessions/reap.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';
import { launchLine, runnerLabel, substitutePrompt, workerTemplate } from '../sessions/workerCommand.ts';

export interface WorkerStartInput {
  readonly id: string;
  readonly prompt: string;
  readonly command?: string;
  readonly verify?: string;
  /** The seed's `start-session <id> <prompt> [runner]`: a runner named in the config. */
  readonly runner?: string;
  /** A host already booting for this start (the CLI spawns one first); the caller releases it. */
  readonly standby?: StandbyHost;
}

export interface WorkerStartResult {
  readonly id: string;
  readonly state: string;
  readonly override: boolean;
  readonly label: string;
}

const DEFAULT_MAX_WORKERS = 8;
/** A session dir with no record yet is a start in progress; older than this it is debris. */
const ORPHAN_DIR_MS = 30_000;

function maxWorkers(ctx: Ctx): number {
  const raw = ctx.env.LOOOP_MAX_WORKERS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_MAX_WORKERS;
  if (/^\d+$/.test(raw)) return Number(raw);
  ctx.warn('env:LOOOP_MAX_WORKERS', `LOOOP_MAX_WORKERS=${JSON.stringify(raw)} is not a whole number — using ${DEFAULT_MAX_WORKERS}`);
  return DEFAULT_MAX_WORKERS;
}

function refuse(id: string, reason: string, hint?: string): LooopError {
  return new LooopError('REFUSED', `worker start ${id}: ${reason}`, hint === undefined ? {} : { hint });
}

export async function runWorkerStart(ctx: Ctx, input: WorkerStartInput): Promise<WorkerStartResult> {
  const { id } = input;
  validateId('worker id', id);
  if (input.prompt.trim() === '') throw new LooopError('USAGE', 'worker start: missing prompt', { hint: 'usage: looop worker start <id> <prompt…|->' });
  const template = workerTemplate(ctx, { command: input.command, runner: input.runner });
  if (id === PULSE_ID) throw refuse(id, `'pulse' is reserved for the pulse; pick another id`);
  let fleet: SessionInfo[];
  try {
    fleet = listFleet(ctx);
  } catch (e) {
    throw refuse(id, `cannot enumerate the fleet (${(e as Error).message}); refusing to start until the fleet is readable`);
  }
  const cap = maxWorkers(ctx);
  const live = fleet.filter((s) => s.alive && s.id !== PULSE_ID);
  if (cap > 0 && live.length >= cap) {
    throw new LooopError('FLEET_CAP', `worker start ${id}: ${live.length} live workers — at the fleet cap (LOOOP_MAX_WORKERS=${cap})`, {
      hint: 'kill or wait out an existing worker first: looop worker list',
    });
  }
  const existing = fleet.find((s) => s.id === id);
  if (existing?.alive === true) throw new LooopError('ALREADY_RUNNING', `worker start ${id}: session ${id} is already running`, { hint: `watch it: looop attach ${id}   end it: looop kill ${id}` });
  const promptFile = path.join(ctx.paths.prompts, `${id}.md`);
  const command = launchLine(id, ctx.paths.dataDir, substitutePrompt(template, promptFile));

  // Everything is checked; from here on we create.
  ensureLayout(ctx.paths);
  if (existing !== undefined) await reapSession(ctx, id);
  clearRecordlessDir(ctx, id);
  generationHygiene(ctx, id);
  const verifyDir = path.join(ctx.paths.dataDir, 'verify');
  if (input.verify !== undefined && input.verify.trim() !== '') {
    ensureDir(verifyDir);
    writeAtomic(path.join(verifyDir, `${id}.cmd`), `${input.verify.trim()}\n`);
  }
  // write-file-atomic keeps a killed start from leaving a half-written brief behind.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  writeFileAtomic.sync(promptFile, workerPrompt(id, runnerLabel(template.template), input.prompt), { mode: 0o600 });
  fsyncDir(path.dirname(promptFile));
  if (!claimSessionDir(ctx, id)) {
    removeIfExists(path.join(verifyDir, `${id}.cmd`));
    throw new LooopError('ALREADY_RUNNING', `worker start ${id}: another start of ${id} got there first`, { hint: 'looop worker list' });
  }
  try {
    const launched = await launchSession(ctx, { id, command, cwd: ctx.paths.dataDir }, input.standby);
    return { id, state: launched.envelope.state, override: template.override, label: template.label };
  } catch (e) {
    removeIfExists(path.join(verifyDir, `${id}.cmd`));
    throw e;
  }
}

/** A sessions/<id> directory without a record: an interrupted start. Old ones are debris. */
function clearRecordlessDir(ctx: Ctx, id: string): void {
  const files = sessionFiles(ctx.paths, id);
  let st: Stats;
  try {
    st = fs.statSync(files.dir);
  } catch {
    return;
  }
  if (fs.existsSync(files.record)) {
    // Present but not in the fleet listing: the record is unreadable, and looop never overwrites those.
    throw refuse(id, `sessions/${id}/session.json cannot be read; looop leaves it untouched`, `inspect it, or remove sessions/${id} by hand`);
  }
  if (ctx.now().getTime() - st.mtimeMs < ORPHAN_DIR_MS) throw refuse(id, `sessions/${id} is being created by another process`, 'retry in a moment');
  fs.rmSync(files.dir, { recursive: true, force: true });
}
