// What the last committed decision saw (reference §8.3 steps 10–11, 23):
// `.last-tick-hash` (the world hash + newline) feeds the skip gate, `.last-world.json`
// (its items) the prompt's WHAT CHANGED. Only a fully successful decide writes them.
//
// A missing hash is a first run (""). A hash file we cannot read at all (a directory,
// a symlink, a FIFO, too big, no permission) is 'unreadable': the beat idles out
// rather than decide blind every beat. A regular file holding something that is not
// a hash cannot equal any world hash, so it reads as "" (one decide, then rewritten),
// reported so the human knows.
import type { WorldItems } from '../world/view.ts';
import { parseWorldItems } from '../world/diff.ts';
import { readDataFile } from '../store/dataFile.ts';
import { guardPath, utf8Text, writeGuard, type GuardCtx, type Problem } from './guardFile.ts';

export const LAST_HASH_FILE = '.last-tick-hash';
export const LAST_WORLD_FILE = '.last-world.json';
const HASH_MAX_BYTES = 4096;
// Items carry each snapshot's signal (up to the sensor cap each): generous.
const WORLD_MAX_BYTES = 16 << 20;
const HASH = /^[0-9a-f]{32}$/;

export type LastHash =
  | { readonly kind: 'ok'; readonly hash: string; readonly problem: Problem }
  | { readonly kind: 'unreadable'; readonly problem: string };

export function readLastHash(ctx: GuardCtx): LastHash {
  const file = guardPath(ctx, LAST_HASH_FILE);
  const r = readDataFile(file, HASH_MAX_BYTES);
  if (r.kind === 'absent') return { kind: 'ok', hash: '', problem: null };
  if (r.kind === 'refused') return { kind: 'unreadable', problem: `${file} ${r.problem} — idling beats out instead of deciding blind; remove it to let the pulse decide again` };
  const text = utf8Text(r.bytes);
  const hash = text?.trim() ?? null;
  if (hash !== null && (hash === '' || HASH.test(hash))) return { kind: 'ok', hash, problem: null };
  return { kind: 'ok', hash: '', problem: `${file} does not hold a world hash — treated as none (the next decide rewrites it)` };
}

export function writeLastHash(ctx: GuardCtx, hash: string): Problem {
  return writeGuard(guardPath(ctx, LAST_HASH_FILE), `${hash}\n`);
}

/** The items the last committed decision saw; null (no WHAT CHANGED) when there are none usable. */
export function readLastWorld(ctx: GuardCtx): { items: WorldItems | null; problem: Problem } {
  const file = guardPath(ctx, LAST_WORLD_FILE);
  const r = readDataFile(file, WORLD_MAX_BYTES);
  if (r.kind === 'absent') return { items: null, problem: null };
  const tail = ' — no WHAT CHANGED this beat; the next decide rewrites it';
  if (r.kind === 'refused') return { items: null, problem: `${file} ${r.problem}${tail}` };
  const text = utf8Text(r.bytes);
  const items = text === null ? null : parseWorldItems(text);
  return items === null ? { items: null, problem: `${file} is not a world-items object${tail}` } : { items, problem: null };
}

export function writeLastWorld(ctx: GuardCtx, items: WorldItems): Problem {
  return writeGuard(guardPath(ctx, LAST_WORLD_FILE), `${JSON.stringify(items)}\n`);
}
