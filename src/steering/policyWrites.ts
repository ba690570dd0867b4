// The policy files the pulse and a human both edit: goals, sensors and the PLAYBOOK.
// Each write is one atomic replace (a reader sees the old file or the new, whole), the
// body byte for byte plus a trailing newline when it lacks one.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { envCount } from '../envKnobs.ts';
import { LooopError, hasErrno } from '../errors.ts';
import { validateId } from '../ids.ts';
import { createExclusive, ensureDir, fsyncDir, listDir, tempPathFor, writeAtomic } from '../store/fsio.ts';
import { readDataFile } from '../store/dataFile.ts';
import { goalFile, sensorFile, steeringPaths } from './layout.ts';

const shellQuote = (s: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);

/** PLAYBOOK, goals and sensors are prose and short scripts; anything bigger is a mistake. */
export const MAX_POLICY_BYTES = 1 << 20;
const DEFAULT_PLAYBOOK_KEEP = 20;
/** Sensors run as the user: owner-only, executable. */
export const SENSOR_MODE = 0o700;

export function withNewline(body: Buffer): Buffer {
  return body.length > 0 && body[body.length - 1] === 0x0a ? body : Buffer.concat([body, Buffer.from('\n')]);
}

function checkSize(what: string, body: Buffer): void {
  if (body.length > MAX_POLICY_BYTES) {
    throw new LooopError('USAGE', `${what}: the body is ${body.length} bytes, more than ${MAX_POLICY_BYTES}`, { hint: 'keep policy files short; put long material in a file the goal points at' });
  }
}

export function writeGoal(ctx: Ctx, id: string, body: Buffer): string {
  validateId('goal id', id);
  checkSize(`goal ${id}`, body);
  ensureDir(steeringPaths(ctx.paths).goals);
  const file = goalFile(ctx.paths, id);
  writeAtomic(file, withNewline(body));
  return file;
}

const MAX_ARCHIVE_SUFFIX = 10_000;

/**
 * Moves goals/<id>.md into goals/archive/ under the first free name (<id>.md, <id>-1.md, …).
 * The goal is first renamed to a temp inside archive/: of racing archives exactly one
 * gets it. Then link(2) claims a free name, so an archived goal is never overwritten.
 * A crash between the two leaves the text in that dot-temp (`.<id>.md.<pid>….tmp`).
 */
export function archiveGoal(ctx: Ctx, id: string): string {
  validateId('goal id', id);
  const sp = steeringPaths(ctx.paths);
  const from = goalFile(ctx.paths, id);
  const st = readDataFile(from, MAX_POLICY_BYTES);
  if (st.kind === 'absent') throw goalMissing(ctx, id);
  if (st.kind === 'refused') throw new LooopError('BAD_FILE', `${from} ${st.problem}`, { hint: 'move it aside or remove it by hand, then retry' });
  ensureDir(sp.goalsArchive);
  const held = tempPathFor(path.join(sp.goalsArchive, `${id}.md`));
  try {
    fs.renameSync(from, held);
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) throw goalMissing(ctx, id);
    throw e;
  }
  fsyncDir(sp.goals);
  let placed = false;
  try {
    for (let n = 0; n < MAX_ARCHIVE_SUFFIX; n++) {
      const to = path.join(sp.goalsArchive, n === 0 ? `${id}.md` : `${id}-${n}.md`);
      try {
        fs.linkSync(held, to);
      } catch (e) {
        if (hasErrno(e, 'EEXIST')) continue;
        throw e;
      }
      placed = true;
      fsyncDir(sp.goalsArchive);
      return to;
    }
    throw new LooopError('CONFLICT', `goals/archive/ already holds ${id}.md through ${id}-${MAX_ARCHIVE_SUFFIX - 1}.md`, { hint: 'clear out goals/archive/, then retry' });
  } finally {
    if (!placed) {
      // Put the goal back (never over one written meanwhile) rather than lose it in a temp.
      try {
        fs.linkSync(held, from);
        placed = true;
      } catch {
        ctx.warn(`archive:${held}`, `goal ${id} could not be archived or put back; its text is in ${held}`);
      }
    }
    if (placed) fs.rmSync(held, { force: true });
  }
}

function goalMissing(ctx: Ctx, id: string): LooopError {
  const archived = listDir(steeringPaths(ctx.paths).goalsArchive).filter((n) => n === `${id}.md` || (n.startsWith(`${id}-`) && /^\d+\.md$/.test(n.slice(id.length + 1))));
  const latest = archived.sort((a, b) => a.length - b.length || a.localeCompare(b)).at(-1);
  if (latest !== undefined) {
    return new LooopError('NOT_FOUND', `goal ${id} is already archived (goals/archive/${latest}); goals/${id}.md does not exist`, {
      hint: `to work on it again: looop goal write ${id} - < ${shellQuote(path.join(steeringPaths(ctx.paths).goalsArchive, latest))}`,
    });
  }
  return new LooopError('NOT_FOUND', `no goal ${id}: goals/${id}.md does not exist`, { hint: 'see the goals with: looop state' });
}

export function writeSensor(ctx: Ctx, name: string, script: Buffer): string {
  validateId('sensor id', name);
  checkSize(`sensor ${name}`, script);
  ensureDir(steeringPaths(ctx.paths).sensors);
  const file = sensorFile(ctx.paths, name);
  // The mode is set on the temp before the rename: the pulse never sees it non-executable.
  writeAtomic(file, withNewline(script), SENSOR_MODE);
  return file;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function stamp(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

function playbookKeep(ctx: Ctx): number {
  return envCount(ctx, 'LOOOP_PLAYBOOK_KEEP', DEFAULT_PLAYBOOK_KEEP);
}

/**
 * Copies the current PLAYBOOK into playbook.d/<local stamp>[-NNNN].md and prunes the
 * oldest beyond LOOOP_PLAYBOOK_KEEP. Best-effort: history never blocks the write.
 * Returns the snapshot's path, or null when there was nothing (or it failed, warned).
 */
export function snapshotPlaybook(ctx: Ctx): string | null {
  const sp = steeringPaths(ctx.paths);
  try {
    const cur = readDataFile(sp.playbook, MAX_POLICY_BYTES);
    if (cur.kind !== 'ok') return null;
    ensureDir(sp.playbookHistory);
    const base = stamp(ctx.now());
    let saved: string | null = null;
    // Suffixes are zero-padded so a sort of the stems is chronological, and always above
    // the highest one taken this second: a pruned name is never reused out of order.
    let n = 0;
    for (const name of listDir(sp.playbookHistory)) {
      if (name === `${base}.md`) n = Math.max(n, 1);
      const m = /^(\d{8}-\d{6})-(\d+)\.md$/.exec(name);
      if (m?.[1] === base) n = Math.max(n, Number(m[2]) + 1);
    }
    for (; n < 100_000 && saved === null; n++) {
      const name = path.join(sp.playbookHistory, n === 0 ? `${base}.md` : `${base}-${String(n).padStart(4, '0')}.md`);
      if (createExclusive(name, cur.bytes)) saved = name;
    }
    const keep = playbookKeep(ctx);
    if (keep > 0) {
      // By stem: `<stamp>.md` came before `<stamp>-0001.md`, though "." sorts after "-".
      const names = listDir(sp.playbookHistory)
        .filter((n) => !n.startsWith('.') && n.endsWith('.md'))
        .map((n) => n.slice(0, -3))
        .sort()
        .map((n) => `${n}.md`);
      for (const old of names.slice(0, Math.max(0, names.length - keep))) fs.rmSync(path.join(sp.playbookHistory, old), { force: true });
    }
    return saved;
  } catch (e) {
    ctx.warn('playbook-history', `could not keep the previous PLAYBOOK in playbook.d/: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return null;
  }
}

export function writePlaybook(ctx: Ctx, body: Buffer): string {
  checkSize('playbook', body);
  snapshotPlaybook(ctx);
  ensureDir(ctx.paths.dataDir);
  const file = steeringPaths(ctx.paths).playbook;
  writeAtomic(file, withNewline(body));
  return file;
}
