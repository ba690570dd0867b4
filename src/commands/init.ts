// `looop init` (reference §10.1), the part that touches files: what config is there
// now, whether its path can be written at all (asked before any question, so a
// person never answers a wizard whose result cannot be saved), and the write itself:
// the layout first, the config last, because a config file is what "initialized"
// means. An old config is kept beside the new one, never silently lost.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { LooopError, hasErrno } from '../errors.ts';
import { fs } from '../nodeFs.ts';
import { readDataFile } from '../store/dataFile.ts';
import { writeAtomic } from '../store/fsio.ts';
import { seedLayout } from '../steering/seed.ts';
import { checkWiring, PRESET_INTERVAL_S, presetOf, type RunnerChoice, type Wiring } from '../init/presets.ts';

const MAX_CONFIG_BYTES = 256 * 1024;

export type CurrentConfig =
  | { readonly kind: 'absent' }
  /** A JSON object: its wiring when it names one, and every other key. */
  | { readonly kind: 'object'; readonly text: string; readonly wiring: Wiring | null; readonly other: Readonly<Record<string, unknown>> }
  /** Bytes that are not a config (not JSON, not an object): replaced only when asked, and backed up. */
  | { readonly kind: 'broken'; readonly text: string; readonly problem: string };

/** The config as it is now. A symlink, directory or unreadable file stops init: it is the person's to sort out. */
export function currentConfig(ctx: Ctx): CurrentConfig {
  const file = ctx.paths.configPath;
  const r = readDataFile(file, MAX_CONFIG_BYTES);
  if (r.kind === 'absent') return { kind: 'absent' };
  if (r.kind === 'refused') {
    throw new LooopError('CONFIG', `config ${file} ${r.problem}`, { hint: 'move it aside (or point LOOOP_CONFIG at another path), then run `looop init` again' });
  }
  const text = r.bytes.toString('utf8');
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return { kind: 'broken', text, problem: `is not valid JSON (${(e as Error).message})` };
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { kind: 'broken', text, problem: 'does not hold a JSON object' };
  const { tick_command: tick, worker_command: worker, tick: _legacyTick, interactive: _legacyWorker, ...other } = o as Record<string, unknown>;
  const wiring = typeof tick === 'string' && typeof worker === 'string' ? { tick, worker } : null;
  return { kind: 'object', text, wiring, other };
}

/** The nearest existing ancestor-or-self of `p`. */
function existingAncestor(p: string): string {
  let cur = p;
  while (!fs.existsSync(cur) && path.dirname(cur) !== cur) cur = path.dirname(cur);
  return cur;
}

function unwritable(target: string, e: unknown, before: boolean): LooopError {
  const why = hasErrno(e, 'EROFS') ? 'the filesystem is read-only' : hasErrno(e, 'EACCES', 'EPERM') ? 'it is not writable by you' : String((e as Error).message);
  return new LooopError('REFUSED', `cannot write ${target}: ${why}${before ? ' — nothing was written' : ''}`, {
    hint: 'make it writable, or point LOOOP_CONFIG (and LOOOP_DATA_DIR) at a writable place, then run `looop init` again',
  });
}

/** Throws one line naming the path when the config (or the data dir it seeds) cannot be written. */
export function checkWritable(ctx: Ctx): void {
  const { configPath, dataDir } = ctx.paths;
  const probes: [string, string][] = [
    [configPath, existingAncestor(path.dirname(configPath))],
    [dataDir, existingAncestor(dataDir)],
  ];
  if (fs.existsSync(configPath)) probes.unshift([configPath, configPath]);
  for (const [target, probe] of probes) {
    try {
      fs.accessSync(probe, fs.constants.W_OK);
    } catch (e) {
      throw unwritable(target, e, true);
    }
  }
}

export interface InitPlan {
  readonly runner: RunnerChoice;
  readonly wiring: Wiring;
}

export interface InitResult {
  readonly configPath: string;
  /** What the runner is called in the next steps: the preset that matches, else `custom`. */
  readonly runner: string;
  /** Where the replaced config was kept, or null when there was none. */
  readonly backup: string | null;
  /** Keys of the old config carried over (interval, session_ttl, …). */
  readonly kept: readonly string[];
  /** True when this run seeded a fresh data dir (PLAYBOOK, goals and the `setup-1` ask). */
  readonly seeded: boolean;
}

export function backupPath(configPath: string): string {
  return `${configPath}.bak`;
}

/** Seeds the layout, keeps the old config as `<config>.bak`, and writes the new one atomically (0600). */
export function writeInit(ctx: Ctx, plan: InitPlan, current: CurrentConfig): InitResult {
  checkWiring(plan.wiring);
  checkWritable(ctx);
  const file = ctx.paths.configPath;
  const other = current.kind === 'object' ? current.other : {};
  const body: Record<string, unknown> = { tick_command: plan.wiring.tick.trim(), worker_command: plan.wiring.worker.trim() };
  if (other.interval === undefined) body.interval = PRESET_INTERVAL_S;
  Object.assign(body, other);
  try {
    const seeded = seedLayout(ctx).seeded;
    let backup: string | null = null;
    if (current.kind !== 'absent') {
      backup = backupPath(file);
      writeAtomic(backup, current.text);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeAtomic(file, `${JSON.stringify(body, null, 2)}\n`);
    return { configPath: file, runner: presetOf(plan.wiring) ?? (plan.runner === 'custom' ? 'custom' : `${plan.runner}, edited`), backup, kept: Object.keys(other).filter((k) => !(k === 'interval' && other[k] === PRESET_INTERVAL_S)), seeded };
  } catch (e) {
    if (hasErrno(e, 'EROFS', 'EACCES', 'EPERM')) throw unwritable(file, e, false);
    throw e;
  }
}
