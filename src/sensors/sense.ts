// One sensing pass (reference §8.4): prune snapshot files no sensor owns, then run
// every user sensor and every system sensor in parallel. One sensor's failure is a
// reading (an error blob), never a thrown error that stops its siblings.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { fs } from '../nodeFs.ts';
import { ensureDir, listDir, removeIfExists, writeAtomic } from '../store/fsio.ts';
import { surveyAsks, type AskSurvey } from '../mailbox/askSurvey.ts';
import { nodeSpawner, type SensorSpawner } from './spawner.ts';
import { envCount } from '../envKnobs.ts';
import { runUserSensor, type SensorOutcome } from './userSensor.ts';
import { SYSTEM_SENSORS, sysAsks, sysClaims, sysGoals, sysSchedules, sysSessions, type Reading, type SystemSensor } from './systemSensors.ts';

export interface SenseOptions {
  /** Per-sensor deadline; 0 = none. */
  readonly timeoutMs: number;
  /** Per-snapshot size cap; 0 = none. */
  readonly maxBytes: number;
  /** Where user sensors run: the pulse's own cwd, not the data dir. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly spawner?: SensorSpawner;
}

export interface SenseReport {
  readonly outcomes: readonly SensorOutcome[];
  readonly ok: number;
  readonly total: number;
  readonly skipped: number;
  readonly failed: readonly string[];
}

export const DEFAULT_SENSOR_TIMEOUT_S = 60;
export const DEFAULT_SENSOR_MAX_BYTES = 8192;

/** LOOOP_SENSOR_TIMEOUT (seconds) and LOOOP_SENSOR_MAX_BYTES, with the upstream defaults. */
export function senseLimitsFromEnv(ctx: Ctx): { timeoutMs: number; maxBytes: number } {
  return { timeoutMs: envCount(ctx, 'LOOOP_SENSOR_TIMEOUT', DEFAULT_SENSOR_TIMEOUT_S) * 1000, maxBytes: envCount(ctx, 'LOOOP_SENSOR_MAX_BYTES', DEFAULT_SENSOR_MAX_BYTES) };
}

export function snapshotsDir(ctx: Ctx): string {
  return path.join(ctx.paths.dataDir, 'snapshots');
}

/** `sensors/<stem>.sh` → `sensor-<stem>`, sorted by stem. */
export function userSensors(ctx: Ctx): { name: string; script: string }[] {
  const dir = path.join(ctx.paths.dataDir, 'sensors');
  return listDir(dir)
    .filter((n) => n.endsWith('.sh') && n.length > 3 && !n.startsWith('.'))
    .sort()
    .map((n) => ({ name: `sensor-${n.slice(0, -3)}`, script: path.join(dir, n) }));
}

/** The name a snapshot file belongs to: everything before its last dot (`sensor-a.json.tmp` → `sensor-a.json`, owned by nobody). */
function stemOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot <= 0 ? file : file.slice(0, dot);
}

/** Removes every snapshot file whose stem is not an owned sensor name; returns what it removed. */
export function pruneSnapshots(dir: string, owned: ReadonlySet<string>): string[] {
  const removed: string[] = [];
  for (const name of listDir(dir)) {
    if (owned.has(stemOf(name))) continue;
    const file = path.join(dir, name);
    // A stray directory is left for a human; only files are debris we made.
    if (fs.lstatSync(file, { throwIfNoEntry: false })?.isDirectory() !== false) continue;
    if (removeIfExists(file)) removed.push(name);
  }
  return removed.sort();
}

function systemReading(ctx: Ctx, name: SystemSensor, asks: AskSurvey): Reading {
  switch (name) {
    case 'sys-sessions':
      return sysSessions(ctx, asks);
    case 'sys-claims':
      return sysClaims(ctx);
    case 'sys-goals':
      return sysGoals(ctx);
    case 'sys-asks':
      return sysAsks(ctx, asks);
    case 'sys-schedules':
      return sysSchedules(ctx);
  }
}

async function runSystemSensor(ctx: Ctx, dir: string, name: SystemSensor, asks: Promise<AskSurvey>): Promise<SensorOutcome> {
  const started = Date.now();
  const secs = (): number => (Date.now() - started) / 1000;
  const file = path.join(dir, `${name}.json`);
  try {
    writeAtomic(file, `${JSON.stringify(systemReading(ctx, name, await asks))}\n`);
    return { kind: 'ok', name, secs: secs(), note: null };
  } catch (e) {
    // A data dir we cannot read is a reading too: the decider sees it, the beat goes on.
    const message = e instanceof Error ? e.message : String(e);
    try {
      writeAtomic(file, `${JSON.stringify({ signal: { error: true }, detail: { message } })}\n`);
    } catch {
      // Not even the blob could be written (a read-only data dir): the outcome still says why.
    }
    return { kind: 'failed', name, secs: secs(), exitCode: 1, message };
  }
}

/** Prunes, then runs every sensor in parallel; resolves when all have published. */
export async function senseAll(ctx: Ctx, opts: SenseOptions): Promise<SenseReport> {
  const dir = snapshotsDir(ctx);
  ensureDir(dir);
  const users = userSensors(ctx);
  pruneSnapshots(dir, new Set<string>([...users.map((u) => u.name), ...SYSTEM_SENSORS]));
  const spawner = opts.spawner ?? nodeSpawner;
  const asks = surveyAsks(ctx, { repair: false });
  const runs: Promise<SensorOutcome>[] = [
    ...users.map((u) =>
      runUserSensor({ ...u, snapshotsDir: dir, cwd: opts.cwd, env: opts.env, timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes, now: ctx.now, spawner }).catch(
        (e: unknown): SensorOutcome => ({ kind: 'failed', name: u.name, secs: 0, exitCode: 1, message: e instanceof Error ? e.message : String(e) }),
      ),
    ),
    ...SYSTEM_SENSORS.map((name) => runSystemSensor(ctx, dir, name, asks)),
  ];
  const outcomes = await Promise.all(runs);
  const failed = outcomes.filter((o) => o.kind === 'failed').map((o) => o.name);
  return {
    outcomes,
    ok: outcomes.length - failed.length,
    total: outcomes.length,
    skipped: outcomes.filter((o) => o.kind === 'skipped').length,
    failed,
  };
}

/** The one line a person sees for a sensor that needs fixing (null when it is fine). */
export function outcomeProblem(o: SensorOutcome): string | null {
  if (o.kind === 'failed') {
    const see = o.name.startsWith('sys-') ? '' : ` — see snapshots/${o.name}.err`;
    return `snapshots/${o.name}.json: ${o.message}${see}`;
  }
  if (o.kind === 'ok' && o.note !== null) return `snapshots/${o.name}.json: ${o.note}`;
  return null;
}
