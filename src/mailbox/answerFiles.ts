// Answers are files: `looop answer` publishes answers/<id>.json atomically; a human
// may create answers/<id>.txt, .md or .json by hand, with any editor or `echo >`.
// A plain-text file has no end marker, so it counts once it is non-blank, has not
// changed for the settle window, and (where /proc tells) no process still holds it
// open for writing; a JSON file counts as soon as it parses.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { Env, Paths } from '../paths.ts';
import { readDataFile } from '../store/dataFile.ts';
import { writersOf } from '../proc/openForWrite.ts';

export const ANSWER_EXTENSIONS = ['json', 'txt', 'md'] as const;
export type AnswerExt = (typeof ANSWER_EXTENSIONS)[number];
export const DEFAULT_SETTLE_MS = 200;

/** While a writer holds a settled file open, look again this often at least. */
const MIN_RECHECK_MS = 50;

export type AnswerRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'settling'; readonly file: string; readonly readyAtMs: number; readonly heldBy?: readonly number[] }
  | { readonly kind: 'ready'; readonly file: string; readonly text: string }
  | { readonly kind: 'corrupt'; readonly file: string; readonly problem: string };

export function answerPath(paths: Paths, id: string, ext: AnswerExt): string {
  return path.join(paths.answers, `${id}.${ext}`);
}

export function settleMs(env: Env): number {
  const n = Number(env.LOOOP_ANSWER_SETTLE_MS);
  return env.LOOOP_ANSWER_SETTLE_MS !== undefined && Number.isInteger(n) && n >= 0 ? n : DEFAULT_SETTLE_MS;
}

const MAX_ANSWER_BYTES = 4 << 20;

function readOne(file: string, json: boolean, nowMs: number, settle: number): AnswerRead {
  // The limit holds for what is read, however the file grows while we read it.
  const r = readDataFile(file, MAX_ANSWER_BYTES);
  if (r.kind === 'absent') return { kind: 'none' };
  if (r.kind === 'refused') {
    return { kind: 'corrupt', file, problem: r.reason === 'symlink' ? 'is a symbolic link; answers must be regular files' : r.problem };
  }
  const text = r.bytes.toString('utf8');
  const readyAtMs = r.mtimeMs + settle;
  if (json) {
    const parsed = parseJsonAnswer(text);
    if (parsed.ok) return { kind: 'ready', file, text: parsed.text };
    if (text.trim() === '' || nowMs < readyAtMs) return { kind: 'settling', file, readyAtMs: Math.max(readyAtMs, nowMs + 1) };
    return { kind: 'corrupt', file, problem: parsed.problem };
  }
  if (text.trim() === '') return { kind: 'none' };
  if (nowMs < readyAtMs) return { kind: 'settling', file, readyAtMs };
  // A settled file that is not text (a stray binary, a wrong file saved here) is no answer:
  // delivering it would put raw bytes into the worker. Checked only once settled, since a
  // writer may be between the bytes of one character.
  if (!isText(r.bytes)) return { kind: 'corrupt', file, problem: 'is not UTF-8 text (it holds binary bytes)' };
  // Settled, but a writer that has not closed the file has not finished.
  const writers = writersOf(r.dev, r.ino);
  if (writers !== null && writers.length > 0) {
    return { kind: 'settling', file, readyAtMs: nowMs + Math.max(settle, MIN_RECHECK_MS), heldBy: writers };
  }
  // The writer may have written its last bytes and closed between our read and that
  // look: then what we read is stale. Deliver only bytes that are still the whole file.
  const now = fs.statSync(file, { throwIfNoEntry: false });
  if (now === undefined || now.ino !== r.ino || now.dev !== r.dev || now.size !== r.bytes.length || now.mtimeMs !== r.mtimeMs) {
    return { kind: 'settling', file, readyAtMs: nowMs + Math.max(settle, MIN_RECHECK_MS) };
  }
  return { kind: 'ready', file, text: text.replace(/\s+$/u, '') };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function parseJsonAnswer(text: string): { ok: true; text: string } | { ok: false; problem: string } {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `is not valid JSON (${(e as Error).message})` };
  }
  if (typeof o === 'object' && o !== null) {
    const rec = o as Record<string, unknown>;
    const t = typeof rec.answer === 'string' ? rec.answer : typeof rec.text === 'string' ? rec.text : undefined;
    if (t !== undefined && t.trim() !== '') return { ok: true, text: t };
  }
  return { ok: false, problem: 'has no non-empty "answer" (or "text") string field' };
}

/** The answer to `id` in `dir`, checking <id>.json, then .txt, then .md. */
export function readAnswerIn(dir: string, id: string, nowMs: number, settle: number): AnswerRead {
  let best: AnswerRead = { kind: 'none' };
  for (const ext of ANSWER_EXTENSIONS) {
    const r = readOne(path.join(dir, `${id}.${ext}`), ext === 'json', nowMs, settle);
    if (r.kind === 'ready') return r;
    if (best.kind === 'none' || (best.kind === 'settling' && r.kind === 'corrupt')) best = r.kind === 'none' ? best : r;
  }
  return best;
}

/** The answer to `id` in answers/. */
export function readAnswer(paths: Paths, id: string, nowMs: number, settle: number): AnswerRead {
  return readAnswerIn(paths.answers, id, nowMs, settle);
}

/** Answer files for `id` that exist in any form (a symlink or FIFO counts: the name is taken). */
export function existingAnswerFiles(paths: Paths, id: string): string[] {
  return ANSWER_EXTENSIONS.map((ext) => answerPath(paths, id, ext)).filter((f) => fs.lstatSync(f, { throwIfNoEntry: false }) !== undefined);
}
