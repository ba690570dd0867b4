// Steering messages into a live worker: `tells/<worker>-<n>.json`, delivered by
// renaming into tells/consumed/ so concurrent drains deliver each tell exactly once.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import { nonce } from '../nonce.ts';
import { LooopError, hasErrno } from '../errors.ts';
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import type { Paths } from '../paths.ts';
import { createExclusive, ensureDir, listDir, removeIfExists, sweepDeadTemps } from '../store/fsio.ts';
import { readDataFile } from '../store/dataFile.ts';

export interface Tell {
  readonly v: 1;
  readonly id: string;
  readonly worker: string;
  readonly msg: string;
  readonly ts: number;
}

const DEFAULT_KEEP_SECS = 7 * 24 * 3600;

function isTell(o: unknown): o is Tell {
  if (typeof o !== 'object' || o === null) return false;
  const t = o as Record<string, unknown>;
  return typeof t.id === 'string' && typeof t.worker === 'string' && typeof t.msg === 'string' && typeof t.ts === 'number';
}

function nextTellNumber(paths: Paths, worker: string): number {
  let max = 0;
  const prefix = `${worker}-`;
  for (const name of listDir(paths.tells)) {
    if (!name.startsWith(prefix) || !name.endsWith('.json')) continue;
    const n = Number(name.slice(prefix.length, -'.json'.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return max + 1;
}

/** Queues a tell (the caller has checked the worker is live). */
export function queueTell(ctx: Ctx, worker: string, msg: string): Tell {
  ensureDir(ctx.paths.tells);
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = `${worker}-${nextTellNumber(ctx.paths, worker)}`;
    const tell: Tell = { v: 1, id, worker, msg, ts: unixSeconds(ctx.now()) };
    if (createExclusive(path.join(ctx.paths.tells, `${id}.json`), `${JSON.stringify(tell, null, 2)}\n`)) return tell;
  }
  throw new LooopError('CONFLICT', `could not allocate a tell id for "${worker}" after 20 attempts (contention)`, { hint: 'retry the tell' });
}

/** A tell and the entry it was read from: delivery moves that entry, never a name built from the content. */
interface QueuedTell {
  readonly tell: Tell;
  readonly name: string;
}

// Anything in tells/ may be hostile (a FIFO, a symlink, a directory, junk): it is read
// without blocking or following links, reported once by name, and skipped, so a bad
// tell never costs a worker its answer.
function queuedTells(ctx: Ctx, worker: string): QueuedTell[] {
  const out: QueuedTell[] = [];
  const names = listDir(ctx.paths.tells);
  sweepDeadTemps(ctx.paths.tells, names);
  for (const name of names) {
    if (name.startsWith('.') || !name.endsWith('.json')) continue;
    const file = path.join(ctx.paths.tells, name);
    const r = readDataFile(file);
    if (r.kind === 'absent') continue;
    if (r.kind === 'refused') {
      ctx.warn(`invalid:${file}`, `tells/${name} ${r.problem} — ignored (remove it by hand)`);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(r.bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (!isTell(parsed)) {
      ctx.warn(`invalid:${file}`, `tells/${name} is not a tell record — ignored (remove it by hand)`);
      continue;
    }
    if (parsed.worker === worker) out.push({ tell: parsed, name });
  }
  return out.sort((a, b) => a.tell.ts - b.tell.ts || (a.tell.id < b.tell.id ? -1 : a.tell.id > b.tell.id ? 1 : 0));
}

/** Undelivered tells for `worker`, oldest first. */
export function pendingTells(ctx: Ctx, worker: string): Tell[] {
  return queuedTells(ctx, worker).map((q) => q.tell);
}

function sweepConsumed(ctx: Ctx): void {
  const raw = ctx.env.LOOOP_TELLS_CONSUMED_KEEP_SECS;
  const keep = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw) : DEFAULT_KEEP_SECS;
  if (keep === 0) return;
  const dir = path.join(ctx.paths.tells, 'consumed');
  const cutoff = ctx.now().getTime() - keep * 1000;
  for (const name of listDir(dir)) {
    const file = path.join(dir, name);
    // lstat: a symlink is judged (and removed) as itself, never through its target.
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (st === undefined || st.mtimeMs >= cutoff) continue;
    if (!st.isFile()) {
      ctx.warn(`invalid:${file}`, `tells/consumed/${name} is not a regular file — left alone (remove it by hand)`);
      continue;
    }
    removeIfExists(file);
  }
}

/** Claims and returns every pending tell for `worker`; each is delivered to exactly one drain. */
export function drainTells(ctx: Ctx, worker: string): Tell[] {
  const consumed = path.join(ctx.paths.tells, 'consumed');
  sweepConsumed(ctx);
  const delivered: Tell[] = [];
  for (const { tell, name } of queuedTells(ctx, worker)) {
    ensureDir(consumed);
    const target = path.join(consumed, `${name.slice(0, -'.json'.length)}.${nonce()}.json`);
    try {
      fs.renameSync(path.join(ctx.paths.tells, name), target);
      delivered.push(tell);
    } catch (e) {
      if (!hasErrno(e, 'ENOENT')) throw e; // another drain took it
    }
  }
  return delivered;
}

/** Drops a worker's undelivered tells: a new generation of that id must never read them. */
export function discardTells(ctx: Ctx, worker: string): number {
  let n = 0;
  for (const { name } of queuedTells(ctx, worker)) {
    if (removeIfExists(path.join(ctx.paths.tells, name))) n += 1;
  }
  return n;
}

export function formatTellLines(tells: readonly Tell[]): string[] {
  return tells.map((t) => `• ${t.msg}`);
}

/** The block a blocked `ask` prints when tells arrived while it waited. */
export function withSteering(answer: string, tells: readonly Tell[]): string {
  if (tells.length === 0) return answer;
  return ['[steering from the human while you waited — obey alongside the answer]', ...formatTellLines(tells), '---', answer].join('\n');
}
