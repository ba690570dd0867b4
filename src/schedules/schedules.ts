// Schedules (reference §8.16): durable time triggers as files, `schedules/<name>.json`.
// A one-shot `{v, at}` reads "pending" until `at`, then "due" until dropped; a
// recurring `{v, every_s, anchor}` reads `{period: n}`, bumping once per period. The
// reading is a sensor signal, so a schedule falling due wakes the loop through the
// world hash, and `nextScheduleDueMs` tells a sleeping pulse when the next signal
// changes: no timer lives anywhere but in these files.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { LooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import { ensureDir, listDir, removeIfExists, writeAtomic } from '../store/fsio.ts';
import { readDataFile } from '../store/dataFile.ts';

export const MIN_EVERY_S = 60;
const MAX_SCHEDULE_BYTES = 64 << 10;

export type Schedule =
  | { readonly kind: 'one-shot'; readonly at: number; readonly note?: string }
  | { readonly kind: 'recurring'; readonly everyS: number; readonly anchor: number; readonly note?: string };

export type ScheduleRead =
  | { readonly kind: 'ok'; readonly schedule: Schedule; readonly raw: Record<string, unknown>; readonly version: number }
  | { readonly kind: 'invalid'; readonly raw: Record<string, unknown>; readonly note?: string }
  | { readonly kind: 'unparseable'; readonly problem: string };

export interface ScheduleEntry {
  readonly name: string;
  readonly file: string;
  readonly read: ScheduleRead;
}

export interface ScheduleWrite {
  readonly name: string;
  readonly inS?: number | undefined;
  readonly everyS?: number | undefined;
  readonly note?: string | undefined;
}

export function schedulesDir(ctx: Ctx): string {
  return path.join(ctx.paths.dataDir, 'schedules');
}

export function scheduleFile(ctx: Ctx, name: string): string {
  return path.join(schedulesDir(ctx), `${name}.json`);
}

function refuse(name: string, why: string): LooopError {
  return new LooopError('USAGE', `write_schedule ${JSON.stringify(name)}: ${why}`);
}

/** The summary a write leaves in the journal. */
export function writeSummary(w: ScheduleWrite): string {
  return w.inS !== undefined ? `write-schedule ${w.name} (one-shot, due in ${w.inS}s)` : `write-schedule ${w.name} (recurring, every ${w.everyS ?? 0}s)`;
}

/** Validates, then atomically replaces `schedules/<name>.json`. `at` saturates: a huge in_s is never due. */
export function writeSchedule(ctx: Ctx, w: ScheduleWrite): string {
  validateId('schedule name', w.name);
  if ((w.inS === undefined) === (w.everyS === undefined)) throw refuse(w.name, 'give exactly one of in_s (one-shot) or every_s (recurring)');
  const nowS = unixSeconds(ctx.now());
  const note = w.note === undefined || w.note.trim() === '' ? {} : { note: w.note };
  let record: Record<string, unknown>;
  if (w.inS !== undefined) {
    if (!Number.isInteger(w.inS) || w.inS < 0) throw refuse(w.name, 'in_s must be a whole number of seconds');
    if (w.inS === 0) throw refuse(w.name, 'in_s must be > 0');
    record = { v: 1, at: Math.min(Number.MAX_SAFE_INTEGER, nowS + w.inS), ...note };
  } else {
    const every = w.everyS ?? 0;
    if (!Number.isInteger(every) || every < MIN_EVERY_S) throw refuse(w.name, `every_s must be >= ${MIN_EVERY_S} (use next_interval_s for tighter follow-ups)`);
    record = { v: 1, every_s: Math.min(Number.MAX_SAFE_INTEGER, every), anchor: nowS, ...note };
  }
  ensureDir(schedulesDir(ctx));
  const file = scheduleFile(ctx, w.name);
  writeAtomic(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

/** Removes the schedule; idempotent (true when there was one). */
export function dropSchedule(ctx: Ctx, name: string): boolean {
  validateId('schedule name', name);
  return removeIfExists(scheduleFile(ctx, name));
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parses a schedule file's text. Pure. */
export function parseSchedule(text: string): ScheduleRead {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { kind: 'unparseable', problem: 'is not valid JSON' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { kind: 'unparseable', problem: 'is not a JSON object' };
  const raw = v as Record<string, unknown>;
  const note = typeof raw.note === 'string' && raw.note !== '' ? { note: raw.note } : {};
  const version = isNum(raw.v) ? raw.v : 1;
  const hasAt = raw.at !== undefined && raw.at !== null;
  const hasEvery = raw.every_s !== undefined && raw.every_s !== null;
  if (hasAt === hasEvery) return { kind: 'invalid', raw, ...note };
  if (hasAt) {
    if (!isNum(raw.at)) return { kind: 'invalid', raw, ...note };
    return { kind: 'ok', schedule: { kind: 'one-shot', at: raw.at, ...note }, raw, version };
  }
  const every = raw.every_s;
  if (!isNum(every) || every < MIN_EVERY_S) return { kind: 'invalid', raw, ...note };
  const anchor = raw.anchor === undefined || raw.anchor === null ? 0 : raw.anchor;
  if (!isNum(anchor)) return { kind: 'invalid', raw, ...note };
  return { kind: 'ok', schedule: { kind: 'recurring', everyS: every, anchor, ...note }, raw, version };
}

/** Every `schedules/*.json`, sorted by name; an unreadable file is listed as unparseable, never dropped. */
export function listSchedules(ctx: Ctx): ScheduleEntry[] {
  const dir = schedulesDir(ctx);
  return listDir(dir)
    .filter((n) => n.endsWith('.json') && !n.startsWith('.') && n.length > 5)
    .sort()
    .map((n) => {
      const file = path.join(dir, n);
      const r = readDataFile(file, MAX_SCHEDULE_BYTES);
      const read: ScheduleRead = r.kind === 'ok' ? parseSchedule(r.bytes.toString('utf8')) : { kind: 'unparseable', problem: r.kind === 'absent' ? 'vanished' : r.problem };
      return { name: n.slice(0, -5), file, read };
    });
}

export interface ScheduleReading {
  readonly signal: unknown;
  readonly detail: Record<string, unknown>;
}

function recurringPhase(s: { everyS: number; anchor: number }, nowS: number): { period: number; nextDueInS: number } {
  const elapsed = Math.max(0, nowS - s.anchor);
  const period = Math.floor(elapsed / s.everyS);
  const rem = elapsed - period * s.everyS;
  return { period, nextDueInS: rem === 0 ? 0 : s.everyS - rem };
}

/** One schedule's signal (stable between due instants) and detail (the countdowns), at `nowS` (unix seconds). */
export function scheduleReading(read: ScheduleRead, nowS: number): ScheduleReading {
  if (read.kind === 'unparseable') return { signal: 'unparseable', detail: { kind: 'unparseable' } };
  if (read.kind === 'invalid') return { signal: 'invalid', detail: { kind: 'invalid', ...(read.note === undefined ? {} : { note: read.note }) } };
  const s = read.schedule;
  const note = s.note === undefined ? {} : { note: s.note };
  if (s.kind === 'one-shot') {
    const due = nowS >= s.at;
    return { signal: due ? 'due' : 'pending', detail: { kind: 'one-shot', due_in_s: due ? 0 : s.at - nowS, ...note } };
  }
  const p = recurringPhase(s, nowS);
  return { signal: { period: p.period }, detail: { kind: 'recurring', every_s: s.everyS, next_due_in_s: p.nextDueInS, ...note } };
}

/** The `sys-schedules` snapshot: `{signal: {name: sig}, detail: {name: det}}`. Silent: problems are signals. */
export function sysSchedulesReading(ctx: Ctx): { signal: Record<string, unknown>; detail: Record<string, unknown> } {
  const nowS = unixSeconds(ctx.now());
  const signal: Record<string, unknown> = {};
  const detail: Record<string, unknown> = {};
  for (const e of listSchedules(ctx)) {
    const r = scheduleReading(e.read, nowS);
    signal[e.name] = r.signal;
    detail[e.name] = r.detail;
  }
  return { signal, detail };
}

/** The first instant (ms) after which this schedule's signal differs from its signal at `nowMs`, or null: never again. */
export function nextChangeMs(s: Schedule, nowMs: number): number | null {
  const nowS = Math.floor(nowMs / 1000);
  let atS: number;
  if (s.kind === 'one-shot') {
    if (nowS >= s.at) return null;
    atS = Math.ceil(s.at);
  } else {
    // Before the anchor (a clock set back) the period stays 0 until anchor + every_s.
    atS = Math.ceil(s.anchor + (recurringPhase(s, nowS).period + 1) * s.everyS);
  }
  const ms = atS * 1000;
  return Number.isSafeInteger(ms) && ms > nowMs ? ms : null;
}

/**
 * The earliest FUTURE instant (ms since the epoch) at which any schedule's signal
 * changes (a one-shot's `at`, a recurring schedule's next period boundary), or null
 * when none ever will. The pulse sleeps at most until then.
 */
export function nextScheduleDueMs(ctx: Ctx, nowMs: number = ctx.now().getTime()): number | null {
  let best: number | null = null;
  for (const e of listSchedules(ctx)) {
    if (e.read.kind !== 'ok') continue;
    const t = nextChangeMs(e.read.schedule, nowMs);
    if (t !== null && (best === null || t < best)) best = t;
  }
  return best;
}

/** The warning `schedule list` prints for a file that will never fire (null for a good one). */
export function scheduleProblem(e: ScheduleEntry): string | null {
  const rel = `schedules/${e.name}.json`;
  if (e.read.kind === 'unparseable') return `${rel} is unparseable (${e.read.problem}) — it will never fire`;
  if (e.read.kind === 'invalid') return `${rel} is invalid (need exactly one of \`at\`/\`every_s\`, every_s >= ${MIN_EVERY_S}) — it will never fire`;
  if (e.read.version > 1) return `${rel} carries schema v${e.read.version} but this binary knows v1 — written by a newer looop; fields may be misread`;
  return null;
}
