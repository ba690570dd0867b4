// What every guard file shares: where it lives, how it is read (the one hostile-file
// policy, then JSON), and how it is written and removed without throwing. A guard that
// cannot read or write its file says so in ONE line naming the file, returned as data
// for the pulse to log; the guard itself decides what "fail closed" means for it.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { readDataFile } from '../store/dataFile.ts';
import { removeIfExists, writeAtomic } from '../store/fsio.ts';

/** What a guard needs from the context: the data dir, the env knobs, the warning sink. */
export type GuardCtx = Pick<Ctx, 'paths' | 'env' | 'warn'>;

/** An injected instant: epoch milliseconds or a Date. */
export type Now = number | Date;

/** One line naming a guard file and what is wrong with it; null when all is well. */
export type Problem = string | null;

export function nowMs(now: Now): number {
  return typeof now === 'number' ? now : now.getTime();
}

/** Guard files keep unix seconds, as upstream's do. */
export function nowS(now: Now): number {
  return Math.floor(nowMs(now) / 1000);
}

export function guardPath(ctx: GuardCtx, name: string): string {
  return path.join(ctx.paths.dataDir, name);
}

/** Guard records are tiny; anything near this is not ours. */
export const GUARD_MAX_BYTES = 256 * 1024;

export type GuardRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ok'; readonly value: unknown; readonly bytes: Buffer }
  /** There, but not usable: refused by the reading policy, or not JSON. */
  | { readonly kind: 'bad'; readonly problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The file's bytes as text, or null when they are not UTF-8. */
export function utf8Text(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

export function readGuardJson(file: string, maxBytes = GUARD_MAX_BYTES): GuardRead {
  const r = readDataFile(file, maxBytes);
  if (r.kind === 'absent') return r;
  if (r.kind === 'refused') return { kind: 'bad', problem: `${file} ${r.problem}` };
  const text = utf8Text(r.bytes);
  if (text === null) return { kind: 'bad', problem: `${file} is not UTF-8 text` };
  try {
    return { kind: 'ok', value: JSON.parse(text) as unknown, bytes: r.bytes };
  } catch {
    return { kind: 'bad', problem: `${file} is not valid JSON` };
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A whole, non-negative number of seconds (or a count). */
export function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** An fs error's code (ENOENT…), else its message. */
export function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code ?? (e instanceof Error ? e.message : String(e));
}

/** Atomic write; a failure comes back as a problem line instead of a throw. */
export function writeGuard(file: string, text: string): Problem {
  try {
    writeAtomic(file, text);
    return null;
  } catch (e) {
    return `cannot write ${file} (${errText(e)}) — move whatever is there aside`;
  }
}

/** Removes the file if there; a failure (a directory by that name…) is a problem line. */
export function removeGuard(file: string): Problem {
  try {
    removeIfExists(file);
    return null;
  } catch (e) {
    return `cannot remove ${file} (${errText(e)}) — move it aside by hand`;
  }
}

/** Problems joined for callers that keep one slot: null when there are none. */
export function firstProblem(...ps: readonly Problem[]): Problem {
  const real = ps.filter((p): p is string => p !== null);
  return real.length === 0 ? null : real.join('; ');
}
