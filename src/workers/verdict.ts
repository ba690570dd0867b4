// A worker's post-condition (reference §7.5): the command stored at start as
// `verify/<id>.cmd` and, once the worker has ended and the pulse has run it, the
// verdict `verify/<id>.json`. Both are data-dir files anyone can edit, so a file
// that cannot be read as one of ours counts as a FAIL — never as a pass.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { readDataFile } from '../store/dataFile.ts';

export type VerdictWord = 'pass' | 'fail';

/** What `verify/<id>.json` holds (v1). */
export interface VerdictRecord {
  readonly v: 1;
  readonly verdict: VerdictWord;
  /** null when it never exited by itself (deadline, signal, unreadable command). */
  readonly exit_code: number | null;
  /** The tail of its merged stdout and stderr, plus a note on how it ended. */
  readonly output: string;
  readonly cmd: string;
  /** Unix seconds when it was judged. */
  readonly ts: number;
  /** The judged session's start, so a verdict can be told from a later generation's. */
  readonly started_at: string | null;
}

/** What readers see: a verdict, none yet, or a file that is not one (counted as a fail). */
export type VerdictRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly record: VerdictRecord }
  | { readonly kind: 'corrupt'; readonly file: string; readonly problem: string };

const MAX_VERDICT_BYTES = 64 << 10;
/** A verify command is one shell line, composed with `&&`: anything larger is not ours. */
export const MAX_CMD_BYTES = 64 << 10;

export function verifyDir(ctx: Ctx): string {
  return path.join(ctx.paths.dataDir, 'verify');
}

export function cmdFile(ctx: Ctx, id: string): string {
  return path.join(verifyDir(ctx), `${id}.cmd`);
}

export function verdictFile(ctx: Ctx, id: string): string {
  return path.join(verifyDir(ctx), `${id}.json`);
}

function isRecord(o: unknown): o is VerdictRecord {
  if (typeof o !== 'object' || o === null) return false;
  const r = o as Record<string, unknown>;
  return (
    r.v === 1 &&
    (r.verdict === 'pass' || r.verdict === 'fail') &&
    (r.exit_code === null || Number.isInteger(r.exit_code)) &&
    typeof r.output === 'string' &&
    typeof r.cmd === 'string' &&
    typeof r.ts === 'number' &&
    (r.started_at === null || typeof r.started_at === 'string')
  );
}

/** Reads `verify/<id>.json` under the data-dir policy. */
export function readVerdict(ctx: Ctx, id: string): VerdictRead {
  const file = verdictFile(ctx, id);
  const rel = path.relative(ctx.paths.dataDir, file);
  const r = readDataFile(file, MAX_VERDICT_BYTES);
  if (r.kind === 'absent') return { kind: 'none' };
  if (r.kind === 'refused') return { kind: 'corrupt', file: rel, problem: r.problem };
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.bytes.toString('utf8'));
  } catch {
    return { kind: 'corrupt', file: rel, problem: 'is not valid JSON' };
  }
  return isRecord(parsed) ? { kind: 'ok', record: parsed } : { kind: 'corrupt', file: rel, problem: 'is not a looop verdict' };
}

/**
 * The verdict word for displays: a corrupt file is a fail, said once (per process)
 * in one line naming the file and how to have it judged again.
 */
export function verdictWord(ctx: Ctx, id: string): VerdictWord | null {
  const r = readVerdict(ctx, id);
  if (r.kind === 'none') return null;
  if (r.kind === 'ok') return r.record.verdict;
  ctx.warn(`verify-verdict:${id}`, `${r.file} ${r.problem} — counted as a verify FAIL for ${id}; remove it to have the pulse judge ${id} again`);
  return 'fail';
}

/** The output worth showing the decider: a failed verdict's, when it said anything. */
export function failOutput(ctx: Ctx, id: string): string | null {
  const r = readVerdict(ctx, id);
  if (r.kind === 'corrupt') return `${r.file} ${r.problem}`;
  if (r.kind === 'ok' && r.record.verdict === 'fail' && r.record.output.trim() !== '') return r.record.output;
  return null;
}
