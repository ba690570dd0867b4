// Finished asks leave the directories every reader scans, so what a verb costs does
// not grow with history: a delivered ask (and a stranded one a person has since
// answered, or that has been stranded for a week) moves from asks/<id>.json to
// asks/archive/<group>/<id>.json, and its answer files from answers/ to
// answers/archive/<group>/, where <group> is the id without its `-<n>` (the worker).
//
// The record moves first, under its write token and only if unchanged; its answers
// follow. Each move is link, fsync of the new directory, unlink, so a crash leaves
// every file in its old place, its new one, or both, never neither; the next survey
// finishes a half-done move.
import type { Stats } from 'node:fs';
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { AskContext } from '../../machines/askTypes.ts';
import { hasErrno } from '../errors.ts';
import type { Paths } from '../paths.ts';
import type { Envelope } from '../store/envelope.ts';
import { ensureDir, fsyncDir } from '../store/fsio.ts';
import { abandonMoves, finishMoves, linkEntityIfUnchanged, type PendingMove } from '../store/revTokens.ts';
import { askFile } from './askKind.ts';
import { ANSWER_EXTENSIONS, answerPath } from './answerFiles.ts';

/** How long a stranded ask nobody answered stays on show in `state`. */
export const STRANDED_KEEP_MS = 7 * 24 * 3600 * 1000;

export function archiveGroup(id: string): string {
  return /^(.+)-\d+$/.exec(id)?.[1] ?? id;
}

export function askArchiveDir(paths: Paths, group: string): string {
  return path.join(paths.asks, 'archive', group);
}

export function archivedAskFile(paths: Paths, id: string): string {
  return path.join(askArchiveDir(paths, archiveGroup(id)), `${id}.json`);
}

export function answerArchiveDir(paths: Paths, id: string): string {
  return path.join(paths.answers, 'archive', archiveGroup(id));
}

function atMs(iso: string): number {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
}

/** A stranded ask that a person answered after it was stranded: they know; nothing is left to show. */
export function answeredAfterStranding(c: AskContext): boolean {
  return c.stranded !== null && c.answer !== null && atMs(c.answer.at) >= atMs(c.stranded.at);
}

/** Whether this record has finished its life in asks/. */
export function isFinished(env: Envelope<AskContext>, nowMs: number): boolean {
  if (env.state === 'delivered') return true;
  if (env.state !== 'stranded' || env.context.stranded === null) return false;
  return answeredAfterStranding(env.context) || nowMs - atMs(env.context.stranded.at) > STRANDED_KEEP_MS;
}

export type ArchiveProblem = (file: string, problem: string) => void;

/** A finished record as read: the id it lives under in asks/ and its exact bytes. */
export interface FinishedAsk {
  readonly id: string;
  readonly bytes: Buffer;
}

// Moves are linked, then each target directory is fsynced once, then the old names go:
// a migration of thousands of records costs a few fsyncs, not thousands.
const BATCH = 256;

/**
 * Moves finished records (and then their answers) into the archive. A record that
 * changed or is being written meanwhile stays for the next look. Returns the ids moved.
 */
export function archiveAsks(paths: Paths, asks: readonly FinishedAsk[], problem: ArchiveProblem): string[] {
  const done: string[] = [];
  for (let i = 0; i < asks.length; i += BATCH) {
    const moves: PendingMove[] = [];
    const ids: string[] = [];
    const dirs = new Set<string>();
    try {
      for (const a of asks.slice(i, i + BATCH)) {
        const target = archivedAskFile(paths, a.id);
        const dir = path.dirname(target);
        if (!dirs.has(dir) && !archiveDirReady(dir, problem)) continue;
        const move = linkEntityIfUnchanged(askFile(paths, a.id), a.bytes, target);
        if (move === null) continue;
        moves.push(move);
        ids.push(a.id);
        dirs.add(dir);
      }
      for (const dir of dirs) fsyncDir(dir);
    } catch (e) {
      abandonMoves(moves);
      throw e;
    }
    finishMoves(moves);
    archiveAnswers(paths, ids, problem);
    done.push(...ids);
  }
  return done;
}

/**
 * Creates an archive directory, and makes sure it and its parent are real directories:
 * a symlink planted there would carry records out of the data dir.
 */
function archiveDirReady(dir: string, problem: ArchiveProblem): boolean {
  ensureDir(dir);
  for (const d of [path.dirname(dir), dir]) {
    if (fs.lstatSync(d).isDirectory()) continue;
    problem(d, 'is not a directory (a symlink?) — nothing is archived into it; replace it with a directory');
    return false;
  }
  return true;
}

function sameFile(a: Stats, b: Stats | undefined): boolean {
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** Links answers/<id>.* into the archive (a taken name gets a suffix: nothing is overwritten). */
function linkAnswer(src: string, st: Stats, dir: string, name: string): void {
  for (let n = 0; ; n++) {
    const dst = path.join(dir, n === 0 ? name : `${name}.${n}`);
    try {
      fs.linkSync(src, dst);
      return;
    } catch (e) {
      if (!hasErrno(e, 'EEXIST')) throw e;
      if (sameFile(st, fs.lstatSync(dst, { throwIfNoEntry: false }))) return; // an earlier move cut short
    }
  }
}

/** Moves answers/<id>.* into the archive. Only regular files move: a symlink or FIFO is reported and left. */
export function archiveAnswers(paths: Paths, ids: readonly string[], problem: ArchiveProblem): number {
  const moved: string[] = [];
  const dirs = new Set<string>();
  for (const id of ids) {
    const dir = answerArchiveDir(paths, id);
    for (const ext of ANSWER_EXTENSIONS) {
      const src = answerPath(paths, id, ext);
      const st = fs.lstatSync(src, { throwIfNoEntry: false });
      if (st === undefined) continue;
      if (!st.isFile()) {
        problem(src, 'is not a regular file — not archived; remove it by hand');
        continue;
      }
      if (!dirs.has(dir) && !archiveDirReady(dir, problem)) continue;
      dirs.add(dir);
      linkAnswer(src, st, dir, `${id}.${ext}`);
      moved.push(src);
    }
  }
  for (const dir of dirs) fsyncDir(dir);
  for (const src of moved) fs.rmSync(src, { force: true });
  return moved.length;
}

/** Names in asks/archive/, one per group (worker). */
export function archiveGroups(paths: Paths): string[] {
  try {
    return fs.readdirSync(path.join(paths.asks, 'archive')).filter((n) => !n.startsWith('.'));
  } catch (e) {
    if (hasErrno(e, 'ENOENT', 'ENOTDIR')) return [];
    throw e;
  }
}
