// `worker list`: the pulse first, then workers by id, each with a health verdict
// (reference §7.6, with ended workers told apart by how they ended — see
// workers/health.ts): waiting-ask, stuck (silent past the threshold), busy, or
// done | failed | killed | dead. Unknown idleness counts as busy: never call a
// worker stuck without evidence.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { PULSE_ID } from '../ids.ts';
import { surveyAsks } from '../mailbox/askSurvey.ts';
import { pulseAlive } from '../pulse/pulseLock.ts';
import { readIfExists } from '../store/fsio.ts';
import { listFleet, type SessionInfo } from '../sessions/fleet.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';
import { endedHealth, type Health } from '../workers/health.ts';

export interface WorkerRow {
  readonly id: string;
  readonly state: string;
  readonly alive: boolean;
  readonly exit_code: number | null;
  readonly health: Health;
  readonly idle_s: number | null;
  readonly uptime_s: number | null;
  readonly ask_age_s: number | null;
  readonly verify: 'pass' | 'fail' | null;
}

const DEFAULT_STUCK_SECS = 900;

function stuckSecs(ctx: Ctx): number {
  const raw = ctx.env.LOOOP_WORKER_STUCK_SECS?.trim();
  if (raw !== undefined && /^\d+$/.test(raw)) return Number(raw);
  if (raw !== undefined && raw !== '') ctx.warn('env:LOOOP_WORKER_STUCK_SECS', `LOOOP_WORKER_STUCK_SECS=${JSON.stringify(raw)} is not a whole number — using ${DEFAULT_STUCK_SECS}`);
  return DEFAULT_STUCK_SECS;
}

function idleSecs(ctx: Ctx, id: string, nowMs: number): number | null {
  try {
    return Math.max(0, Math.floor((nowMs - fs.statSync(sessionFiles(ctx.paths, id).output).mtimeMs) / 1000));
  } catch {
    return null;
  }
}

function secsSince(iso: string | null, nowMs: number): number | null {
  const t = iso === null ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? null : Math.max(0, Math.floor((nowMs - t) / 1000));
}

function verdict(ctx: Ctx, id: string): 'pass' | 'fail' | null {
  const bytes = readIfExists(path.join(ctx.paths.dataDir, 'verify', `${id}.json`));
  if (bytes === null) return null;
  try {
    return (JSON.parse(bytes.toString('utf8')) as { ok?: unknown }).ok === true ? 'pass' : 'fail';
  } catch {
    return 'fail';
  }
}

export async function listWorkers(ctx: Ctx, opts: { all: boolean }): Promise<WorkerRow[]> {
  const nowMs = ctx.now().getTime();
  const fleet = listFleet(ctx);
  const { pending } = await surveyAsks(ctx, { repair: false });
  const oldestAsk = new Map<string, number>();
  for (const a of pending) {
    const prev = oldestAsk.get(a.context.worker);
    if (prev === undefined || a.context.ts < prev) oldestAsk.set(a.context.worker, a.context.ts);
  }
  const stuck = stuckSecs(ctx);
  const nowS = unixSeconds(ctx.now());
  const row = (s: SessionInfo): WorkerRow => {
    const idle = idleSecs(ctx, s.id, nowMs);
    const ask = oldestAsk.get(s.id);
    const health: Health = !s.alive ? endedHealth(s) : ask !== undefined ? 'waiting-ask' : idle !== null && idle >= stuck ? 'stuck' : 'busy';
    return {
      id: s.id,
      state: s.state,
      alive: s.alive,
      exit_code: s.exitCode,
      health,
      idle_s: idle,
      uptime_s: secsSince(s.startedAt, nowMs),
      ask_age_s: ask === undefined || !s.alive ? null : Math.max(0, nowS - ask),
      verify: verdict(ctx, s.id),
    };
  };
  const pulse = fleet.find((s) => s.id === PULSE_ID);
  const pulseUp = pulse?.alive === true || pulseAlive(ctx.paths);
  const pulseRow: WorkerRow = {
    id: PULSE_ID,
    state: pulse?.alive === true ? pulse.state : pulseUp ? 'running' : 'down',
    alive: pulseUp,
    exit_code: pulse?.exitCode ?? null,
    health: pulseUp ? 'up' : 'down',
    idle_s: pulse === undefined ? null : idleSecs(ctx, PULSE_ID, nowMs),
    uptime_s: pulse?.alive === true ? secsSince(pulse.startedAt, nowMs) : null,
    ask_age_s: null,
    verify: null,
  };
  const workers = fleet.filter((s) => s.id !== PULSE_ID && (opts.all || s.alive)).map(row);
  return [pulseRow, ...workers];
}
