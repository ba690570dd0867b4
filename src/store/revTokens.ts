// Compare-and-swap on a file's `rev`, without XState, so read paths and counters can
// use it without loading the machine bundle.
//
//   To go from rev n, a writer takes the token `.<file>.rev<k>` (k > n) by exclusive
//   create, re-reads the file, and publishes rev k only if the file is still at rev n.
//   A token whose holder died (pid + start time) is skipped, never deleted by the
//   skipper before it has published past it, so two writers can never both believe
//   they hold the same token (no ABA on stale locks).
//   A holder from another PID namespace or machine cannot be looked up in our /proc:
//   its token counts as held for one lease TTL from its creation (a token lives for
//   one read-compare-rename, so that TTL is its lease, never renewed).
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import { LooopError, hasErrno } from '../errors.ts';
import { removeIfExists, writeAtomic } from './fsio.ts';
import { readDataFile } from './dataFile.ts';
import { identityText, linkHolderAlive, parseIdentityText, selfIdentity, type ProcessIdentity } from '../proc/processIdentity.ts';

const MAX_SKIPS = 64;
const TOKEN_NAME = /^\.(.+)\.rev(\d+)$/;

export function tokenPath(file: string, rev: number): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.rev${rev}`);
}

// A write token is a symbolic link whose target is the holder's identityText
// (`<pid>:<start time>[@<pidns>:<boot id>]`): symlink(2) creates the name and its content in one step, so nobody sees a half-made
// token, and it needs no fsync because a token is never durable state.
export function takeToken(token: string): boolean {
  try {
    fs.symlinkSync(identityText(selfIdentity()), token);
    return true;
  } catch (e) {
    if (hasErrno(e, 'EEXIST')) return false;
    throw e;
  }
}

/** The token's holder; null when the token is gone; pid -1 for debris nobody can hold. */
export function readToken(token: string): ProcessIdentity | null {
  let text: string;
  try {
    text = fs.readlinkSync(token);
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return null;
    if (hasErrno(e, 'EINVAL')) return { pid: -1, start: null }; // not a symlink: debris
    throw e;
  }
  return parseIdentityText(text) ?? { pid: -1, start: null };
}

export function parseRev(bytes: Buffer): number | null {
  try {
    const o = JSON.parse(bytes.toString('utf8')) as { rev?: unknown };
    return typeof o.rev === 'number' && Number.isInteger(o.rev) ? o.rev : null;
  } catch {
    return null;
  }
}

/** The file's rev now; 'absent' when it does not exist; null when it has none we can read. */
function currentRev(file: string): number | 'absent' | null {
  const r = readDataFile(file);
  if (r.kind === 'absent') return 'absent';
  return r.kind === 'ok' ? parseRev(r.bytes) : null;
}

export type PublishOutcome =
  | { readonly kind: 'published'; readonly rev: number }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'busy'; readonly holder: ProcessIdentity };

/** A write token we hold on `file`, and the dead writers' tokens we skipped to get it. */
export interface HeldToken {
  readonly file: string;
  readonly rev: number;
  readonly token: string;
  readonly skipped: readonly string[];
}

/**
 * Takes the first free token above `observedRev` (skipping dead holders' ones), then
 * confirms with `stillCurrent` that nobody published since we looked.
 */
export function holdNextToken(
  file: string,
  observedRev: number,
  stillCurrent: () => boolean,
): HeldToken | { readonly kind: 'conflict' } | { readonly kind: 'busy'; readonly holder: ProcessIdentity } {
  const skipped: string[] = [];
  for (let k = observedRev + 1; k <= observedRev + MAX_SKIPS; k++) {
    const token = tokenPath(file, k);
    if (!takeToken(token)) {
      const holder = readToken(token);
      if (holder === null) return { kind: 'conflict' }; // released just now: re-read
      if (linkHolderAlive(token, holder)) return { kind: 'busy', holder };
      skipped.push(token);
      continue;
    }
    let current = false;
    try {
      current = stillCurrent();
    } finally {
      if (!current) removeIfExists(token);
    }
    return current ? { file, rev: k, token, skipped } : { kind: 'conflict' };
  }
  throw new LooopError('CONFLICT', `${file}: ${MAX_SKIPS} abandoned write tokens in a row`, {
    hint: `remove the .${path.basename(file)}.rev* files next to it and retry`,
  });
}

/**
 * Gives the token back. After a publish at `held.rev`, or once the file is gone for
 * good, the skipped tokens are useless to anyone (see sweepRevTokens) and go too.
 */
export function releaseToken(held: HeldToken, settled: boolean): void {
  if (settled) for (const s of held.skipped) removeIfExists(s);
  removeIfExists(held.token);
}

function isHeld(h: ReturnType<typeof holdNextToken>): h is HeldToken {
  return !('kind' in h);
}

/** Publishes `bytesFor(k)` as rev k > observedRev, only if the file is still at observedRev. */
export function publishNextRev(file: string, observedRev: number, bytesFor: (rev: number) => string, visibleFirst = false): PublishOutcome {
  const held = holdNextToken(file, observedRev, () => currentRev(file) === observedRev);
  if (!isHeld(held)) return held;
  let published = false;
  try {
    writeAtomic(file, bytesFor(held.rev), undefined, visibleFirst);
    published = true;
  } finally {
    releaseToken(held, published);
  }
  return { kind: 'published', rev: held.rev };
}

/** One record being moved: linked at its new place, still at its old one until finishMoves. */
export interface PendingMove {
  readonly held: HeldToken;
}

/**
 * First half of moving a record (as read: `expected`) to `target`: under its next
 * write token, so no writer publishes in between, link it there if it is unchanged.
 * Returns null when it changed, vanished or is being written (left for later). The
 * caller fsyncs the target directories, then calls finishMoves: a crash in between
 * leaves the record in both places (identical bytes), never in neither.
 */
export function linkEntityIfUnchanged(file: string, expected: Buffer, target: string): PendingMove | null {
  const rev = parseRev(expected);
  if (rev === null) return null;
  const unchanged = (): boolean => {
    const cur = readDataFile(file, expected.length + 1);
    return cur.kind === 'ok' && cur.bytes.equals(expected);
  };
  const held = holdNextToken(file, rev, unchanged);
  if (!isHeld(held)) return null;
  try {
    fs.linkSync(file, target);
  } catch (e) {
    // An earlier move cut short after its link: finish it only if it is the same record.
    const there = hasErrno(e, 'EEXIST') ? readDataFile(target, expected.length + 1) : null;
    if (there?.kind !== 'ok' || !there.bytes.equals(expected)) {
      releaseToken(held, false);
      if (hasErrno(e, 'ENOENT')) return null;
      throw e;
    }
  }
  return { held };
}

/** Second half: the targets are durable, so the old names go, and their tokens with them. */
export function finishMoves(moves: readonly PendingMove[]): void {
  for (const { held } of moves) {
    try {
      fs.rmSync(held.file, { force: true });
    } finally {
      releaseToken(held, true);
    }
  }
}

/** Gives up moves that were linked but must not finish (an error before the fsync). */
export function abandonMoves(moves: readonly PendingMove[]): void {
  for (const { held } of moves) releaseToken(held, false);
}

/**
 * Removes write tokens nobody can use any more, from a directory whose file names are
 * never reused once their file is gone (ask records, counters). A token `.<f>.rev<k>`:
 *
 * - k ≤ the current rev of f: any holder observed a rev < k ≤ current, so its
 *   re-read fails and it can never publish; and no new writer takes a token at or
 *   below the rev it read. Always safe to delete, whoever holds it.
 * - f is gone and the holder is dead: a writer takes a token only after reading f,
 *   and f never comes back under that name, so nobody can take it again.
 * - k > the current rev and the holder is dead: left alone. Unlinking it would race a
 *   writer that skips it, publishes and removes it, after which a new live writer can
 *   take the same name: our unlink would then free a live writer's token, and a third
 *   writer could hold it too (ABA, a lost update). The next real publish on f skips
 *   it and removes it under the CAS (publishNextRev), which is always correct.
 */
export function sweepRevTokens(dir: string, names: readonly string[]): number {
  let removed = 0;
  for (const name of names) {
    const m = TOKEN_NAME.exec(name);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    const token = path.join(dir, name);
    const k = Number(m[2]);
    const rev = currentRev(path.join(dir, m[1]));
    let dead = false;
    if (rev === 'absent') {
      const holder = readToken(token);
      dead = holder !== null && !linkHolderAlive(token, holder);
    }
    if ((typeof rev === 'number' && k <= rev) || dead) {
      try {
        if (removeIfExists(token)) removed += 1;
      } catch (e) {
        if (!hasErrno(e, 'EISDIR', 'EPERM', 'EACCES')) throw e; // a directory by that name is not ours to remove
      }
    }
  }
  return removed;
}
