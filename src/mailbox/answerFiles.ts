// Answers are files: `looop answer` publishes answers/<id>.json atomically; a human
// may create answers/<id>.txt, .md or .json by hand, with any editor or `echo >`.
// A plain-text file has no end marker, so it counts once it is non-blank and has not
// changed for the settle window; a JSON file counts as soon as it parses.
import type { Stats } from 'node:fs';
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import { hasErrno } from '../errors.ts';
import type { Env, Paths } from '../paths.ts';

export const ANSWER_EXTENSIONS = ['json', 'txt', 'md'] as const;
export const DEFAULT_SETTLE_MS = 200;

export type AnswerRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'settling'; readonly file: string; readonly readyAtMs: number }
  | { readonly kind: 'ready'; readonly file: string; readonly text: string }
  | { readonly kind: 'corrupt'; readonly file: string; readonly problem: string };

export function answerPath(paths: Paths, id: string, ext: (typeof ANSWER_EXTENSIONS)[number]): string {
  return path.join(paths.answers, `${id}.${ext}`);
}

export function settleMs(env: Env): number {
  const n = Number(env.LOOOP_ANSWER_SETTLE_MS);
  return env.LOOOP_ANSWER_SETTLE_MS !== undefined && Number.isInteger(n) && n >= 0 ? n : DEFAULT_SETTLE_MS;
}

const MAX_ANSWER_BYTES = 4 << 20;

function readOne(file: string, json: boolean, nowMs: number, settle: number): AnswerRead {
  let st: Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return { kind: 'none' };
    return { kind: 'corrupt', file, problem: `cannot be read (${(e as Error).message})` };
  }
  if (!st.isFile()) return { kind: 'corrupt', file, problem: 'is not a regular file' };
  if (st.size > MAX_ANSWER_BYTES) return { kind: 'corrupt', file, problem: `is ${st.size} bytes; answers are limited to ${MAX_ANSWER_BYTES}` };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return { kind: 'none' };
    return { kind: 'corrupt', file, problem: `cannot be read (${(e as Error).message})` };
  }
  const readyAtMs = st.mtimeMs + settle;
  if (json) {
    const parsed = parseJsonAnswer(text);
    if (parsed.ok) return { kind: 'ready', file, text: parsed.text };
    if (text.trim() === '' || nowMs < readyAtMs) return { kind: 'settling', file, readyAtMs: Math.max(readyAtMs, nowMs + 1) };
    return { kind: 'corrupt', file, problem: parsed.problem };
  }
  if (text.trim() === '') return { kind: 'none' };
  if (nowMs < readyAtMs) return { kind: 'settling', file, readyAtMs };
  return { kind: 'ready', file, text: text.replace(/\s+$/u, '') };
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

/** The answer to `id`, checking answers/<id>.json, then .txt, then .md. */
export function readAnswer(paths: Paths, id: string, nowMs: number, settle: number): AnswerRead {
  let best: AnswerRead = { kind: 'none' };
  for (const ext of ANSWER_EXTENSIONS) {
    const r = readOne(answerPath(paths, id, ext), ext === 'json', nowMs, settle);
    if (r.kind === 'ready') return r;
    if (best.kind === 'none' || (best.kind === 'settling' && r.kind === 'corrupt')) best = r.kind === 'none' ? best : r;
  }
  return best;
}

/** Existing answer files for `id` (any format), relative names. */
export function existingAnswerFiles(paths: Paths, id: string): string[] {
  return ANSWER_EXTENSIONS.map((ext) => answerPath(paths, id, ext)).filter((f) => fs.existsSync(f));
}
