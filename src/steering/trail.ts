// The two trails every move leaves: a journal line a human reads (§4.7) and an
// events.jsonl record a tool reads (§4.6). Both are appended with one write(2) on an
// O_APPEND descriptor, so concurrent writers never interleave inside a record, and
// both are best-effort: a full disk must not undo a move that already happened.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { envCount } from '../envKnobs.ts';
import { FILE_MODE, ensureDir } from '../store/fsio.ts';
import { steeringPaths } from './layout.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** `- YYYY-MM-DD HH:MM <text>`, local time; newlines inside `text` become spaces so one move is one line. */
export function journalLine(now: Date, text: string): string {
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}`;
  return `- ${stamp} ${flatten(text)}\n`;
}

function flatten(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

function appendLine(file: string, line: string): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW, FILE_MODE);
  try {
    fs.writeSync(fd, Buffer.from(line));
  } finally {
    fs.closeSync(fd);
  }
}

const DEFAULT_TRAIL_MAX_BYTES = 5 * 1024 * 1024;
/** A rotation lock older than this belongs to a rotator that died; it is broken. */
const STALE_ROTATION_MS = 60_000;

function trailMaxBytes(ctx: Ctx, knob: string): number {
  return envCount(ctx, knob, DEFAULT_TRAIL_MAX_BYTES);
}

/**
 * Keeps one previous generation (`<file>.1`) once the trail passes `max` bytes (0 = never).
 * One rotator at a time, by exclusive create of a lock file; a writer that finds it
 * taken just appends (the trail grows a little past the cap, nothing is lost).
 */
function rotateIfBig(file: string, max: number): void {
  if (max === 0) return;
  let size: number;
  try {
    size = fs.lstatSync(file).size;
  } catch {
    return;
  }
  if (size < max) return;
  const lock = path.join(path.dirname(file), `.${path.basename(file)}.rotlock`);
  try {
    fs.closeSync(fs.openSync(lock, 'wx', FILE_MODE));
  } catch {
    try {
      if (Date.now() - fs.statSync(lock).mtimeMs > STALE_ROTATION_MS) fs.rmSync(lock, { force: true });
    } catch {
      // gone already
    }
    return;
  }
  try {
    // Re-check under the lock: another rotator may have just done it.
    if (fs.lstatSync(file).size >= max) fs.renameSync(file, `${file}.1`);
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

export type TrailResult = { readonly ok: true } | { readonly ok: false; readonly problem: string };

function attempt(write: () => void): TrailResult {
  try {
    write();
    return { ok: true };
  } catch (e) {
    return { ok: false, problem: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
  }
}

/** Appends the move's journal line; a failure is warned about, never thrown (the move already happened). */
export function appendJournal(ctx: Ctx, text: string): TrailResult {
  const file = steeringPaths(ctx.paths).journal;
  const r = attempt(() => {
    ensureDir(ctx.paths.dataDir);
    rotateIfBig(file, trailMaxBytes(ctx, 'LOOOP_JOURNAL_MAX_BYTES'));
    appendLine(file, journalLine(ctx.now(), text));
  });
  if (!r.ok) ctx.warn(`journal:${r.problem}`, `failed to append the journal line to ${file} (audit-trail gap): ${r.problem}`);
  return r;
}

export type EventFields = Readonly<Record<string, string | number | boolean | null>>;

/** One JSON line `{ts, event, …fields}`; `ts` and `event` cannot be overridden by a field. */
export function eventRecord(now: Date, event: string, fields: EventFields = {}): string {
  const rest = Object.fromEntries(Object.entries(fields).filter(([k]) => k !== 'ts' && k !== 'event'));
  return `${JSON.stringify({ ts: now.toISOString(), event, ...rest })}\n`;
}

/** Appends an events.jsonl record; best-effort, like upstream (never fails a beat or a verb). */
export function emitEvent(ctx: Ctx, event: string, fields: EventFields = {}): TrailResult {
  const file = steeringPaths(ctx.paths).events;
  const r = attempt(() => {
    ensureDir(ctx.paths.dataDir);
    rotateIfBig(file, trailMaxBytes(ctx, 'LOOOP_EVENTS_MAX_BYTES'));
    appendLine(file, eventRecord(ctx.now(), event, fields));
  });
  if (!r.ok) ctx.warn(`events:${r.problem}`, `failed to append to ${file}: ${r.problem}`);
  return r;
}
