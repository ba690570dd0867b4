// Finished asks leave the directories every reader scans, so what a verb costs does
// not grow with history: a delivered ask (and a stranded one a person has since
// answered, or that has been stranded for a week) moves from asks/<id>.json to
// asks/archive/<group>/<id>.json, and its answer files from answers/ to
// answers/archive/<group>/, where <group> is the id without its `-<n>` (the worker).
//
// The record moves first, under its write token and only if unchanged; its answers
// follow. Each move is link + unlink, so a crash leaves every file in its old place,
// its new one, or both, never neither; the next survey finishes a half-done move.
import type { Stats } from 'node:fs';
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { AskContext } from '../../machines/askTypes.ts';
import { hasErrno } from '../errors.ts';
import type { Paths } from '../paths.ts';
import type { Envelope } from '../store/envelope.ts';
import { ensureDir, fsyncDir } from '../store/fsio.ts';
import { moveEntityIfUnchanged } from '../store/revTokens.ts';
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

/**
 * Moves a finished record (as read: `bytes`) and its answers into the archive.
 * Returns false when the record changed or vanished meanwhile (left for the next look).
 */
export function archiveAsk(paths: Paths, id: string, bytes: Buffer, problem: ArchiveProblem): boolean {
  const target = archivedAskFile(paths, id);
  ensureDir(path.dirname(target));
  if (!moveEntityIfUnchanged(askFile(paths, id), bytes, target)) return false;
  archiveAnswers(paths, id, problem);
  return true;
}

function sameFile(a: Stats, b: Stats | undefined): boolean {
  return b !== undefined && a.dev === b.dev && a.ino === b.ino;
}

/** Moves answers/<id>.* into the archive. Only regular files move: a symlink or FIFO is reported and left. */
export function archiveAnswers(paths: Paths, id: string, problem: ArchiveProblem): number {
  const dir = answerArchiveDir(paths, id);
  const moved: string[] = [];
  for (const ext of ANSWER_EXTENSIONS) {
    const src = answerPath(paths, id, ext);
    const st = fs.lstatSync(src, { throwIfNoEntry: false });
    if (st === undefined) continue;
    if (!st.isFile()) {
      problem(src, 'is not a regular file — not archived; remove it by hand');
      continue;
    }
    ensureDir(dir);
    // A name already taken by another file (a re-answer of a replayed id) gets a suffix: nothing is overwritten.
    for (let n = 0; ; n++) {
      const dst = path.join(dir, n === 0 ? `${id}.${ext}` : `${id}.${ext}.${n}`);
      try {
        fs.linkSync(src, dst);
      } catch (e) {
        if (!hasErrno(e, 'EEXIST')) throw e;
        if (!sameFile(st, fs.lstatSync(dst, { throwIfNoEntry: false }))) continue;
      }
      moved.push(src);
      break;
    }
  }
  if (moved.length === 0) return 0;
  fsyncDir(dir);
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
