// Starting a worker (reference §7.2): validate everything first — including that
// the command's program exists (§1.3) — then create: reap a dead predecessor, store
// verify, write the prompt, claim the id, launch. Then watch the worker's first
// second, so a worker that dies at once is reported as such, not as started.
// The CLI's `worker start` and the pulse's start_worker both come through here.
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
import { launchLine, runnerLabel, substitutePrompt, workerTemplate, type WorkerTemplate } from '../sessions/workerCommand.ts';
import { watchEarlyEnd, type EarlyEnd } from './earlyEnd.ts';
import { checkProgram, installHint } from './program.ts';

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
  /** Set when the worker ended within its first second: it is not running. */
  readonly early: EarlyEnd | null;
}

const DEFAULT_MAX_WORKERS = 8;
/** A session dir with no record yet is a start in progress; older than this it is debris. */
const ORPHAN_DIR_MS = 30_000;
/** How long a new worker is watched for an early end. */
const DEFAULT_WATCH_MS = 1000;

function wholeNumberEnv(ctx: Ctx, name: string, fallback: number): number {
  const raw = ctx.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (/^\d+$/.test(raw)) return Number(raw);
  ctx.warn(`env:${name}`, `${name}=${JSON.stringify(raw)} is not a whole number — using ${fallback}`);
  return fallback;
}

function refuse(id: string, reason: string, hint?: string): LooopError {
  return new LooopError('REFUSED', `worker start ${id}: ${reason}`, hint === undefined ? {} : { hint });
}

/** The program the command runs must exist: otherwise the worker would only print `command not found`. */
function checkRunnable(ctx: Ctx, id: string, template: WorkerTemplate, command: string): void {
  const found = checkProgram(command, ctx.env, ctx.paths.dataDir);
  if (found.kind !== 'missing') return;
  const url = installHint(found.program);
  const install = found.program.includes('/') ? 'fix the path (relative paths start from the data dir)' : `install ${found.program}${url === undefined ? '' : ` (see ${url})`}`;
  const key = template.label === 'worker_command' ? 'worker_command' : `${template.label}.worker_command`;
  const instead = template.override ? 'or pass a --command whose program exists' : `or set ${key} in ${ctx.paths.configPath}, or pass --command`;
  throw refuse(id, `cannot run the ${template.label}: its program '${found.program}' ${found.where}`, `${install}, ${instead}`);
}

export async function startWorker(ctx: Ctx, input: WorkerStartInput): Promise<WorkerStartResult> {
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
  const cap = wholeNumberEnv(ctx, 'LOOOP_MAX_WORKERS', DEFAULT_MAX_WORKERS);
  const live = fleet.filter((s) => s.alive && s.id !== PULSE_ID);
  if (cap > 0 && live.length >= cap) {
    throw new LooopError('FLEET_CAP', `worker start ${id}: ${live.length} live workers — at the fleet cap (LOOOP_MAX_WORKERS=${cap})`, {
      hint: 'kill or wait out an existing worker first: looop worker list',
    });
  }
  const existing = fleet.find((s) => s.id === id);
  if (existing?.alive === true) throw new LooopError('ALREADY_RUNNING', `worker start ${id}: session ${id} is already running`, { hint: `watch it: looop attach ${id}   end it: looop kill ${id}` });
  const promptFile = path.join(ctx.paths.prompts, `${id}.md`);
  const workerCommand = substitutePrompt(template, promptFile);
  checkRunnable(ctx, id, template, workerCommand);
  const command = launchLine(id, ctx.paths.dataDir, workerCommand);

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
  let launched;
  try {
    launched = await launchSession(ctx, { id, command, cwd: ctx.paths.dataDir }, input.standby);
  } catch (e) {
    removeIfExists(path.join(verifyDir, `${id}.cmd`));
    throw e;
  }
  const early = await watchEarlyEnd(ctx, id, launched.envelope, wholeNumberEnv(ctx, 'LOOOP_START_WATCH_MS', DEFAULT_WATCH_MS));
  return { id, state: early?.state ?? launched.envelope.state, override: template.override, label: template.label, early };
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
