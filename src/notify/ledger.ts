// The notification ledger: `.notified/<kind>/<key>` in the data dir, one marker per
// event, created exclusively (link(2), then the directory fsynced) BEFORE the notifier
// is spawned. Whoever creates the marker owns the event, so two pulses (a restart, a
// race on the lock) can never both notify it: at-most-once. See notify.ts for why.
import path from 'node:path';
import type { Paths } from '../paths.ts';
import { fs } from '../nodeFs.ts';
import { createExclusive, ensureDir, listDir, removeIfExists } from '../store/fsio.ts';
import type { NotifyKind } from '../config/config.ts';
import { LooopError } from '../errors.ts';

export function ledgerDir(paths: Paths, kind: NotifyKind): string {
  return path.join(paths.dataDir, '.notified', kind);
}

export function markerFile(paths: Paths, kind: NotifyKind, key: string): string {
  return path.join(ledgerDir(paths, kind), key);
}

/** Where a notifier's stderr goes: beside its marker, dot-named so listings skip it. */
export function errFile(paths: Paths, kind: NotifyKind, key: string): string {
  return path.join(ledgerDir(paths, kind), `.${key}.err`);
}

/** The event as the notifier's stdin reads it. */
export function inFile(paths: Paths, kind: NotifyKind, key: string): string {
  return path.join(ledgerDir(paths, kind), `.${key}.json`);
}

/** The ledger's directories, refusing anything that is not a plain directory: a symlink would send markers elsewhere. */
function ensureLedgerDir(paths: Paths, kind: NotifyKind): void {
  for (const dir of [path.dirname(ledgerDir(paths, kind)), ledgerDir(paths, kind)]) {
    const st = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (st === undefined) ensureDir(dir);
    else if (!st.isDirectory()) {
      throw new LooopError('BAD_FILE', `${dir} is not a directory (${st.isSymbolicLink() ? 'a symlink' : 'a file'}) — no notifications until it is moved aside`);
    }
  }
}

/** True when this caller now owns the event; false when it was notified before. */
export function claimEvent(paths: Paths, kind: NotifyKind, key: string, nowIso: string): boolean {
  ensureLedgerDir(paths, kind);
  return createExclusive(markerFile(paths, kind, key), `${JSON.stringify({ v: 1, kind, key, at: nowIso })}\n`);
}

/**
 * Forgets markers whose subject is gone for good, so the ledger does not grow without
 * bound. Only a subject whose file has vanished qualifies: ask ids are never handed out
 * twice (askIds.ts), so a forgotten ask can never come back; a worker id reused after
 * its session was pruned is a new worker, and its death is a new event. A pulse_down
 * marker names a pulse process that is long gone: it goes after a month.
 */
export function pruneLedger(paths: Paths, gone: (kind: NotifyKind, key: string) => boolean): void {
  for (const kind of ['ask', 'stuck', 'dead', 'pulse_down'] as const) {
    const dir = ledgerDir(paths, kind);
    for (const key of listDir(dir)) {
      if (key.startsWith('.') || !gone(kind, key)) continue;
      removeIfExists(errFile(paths, kind, key));
      removeIfExists(inFile(paths, kind, key));
      removeIfExists(markerFile(paths, kind, key));
    }
  }
}

/** The subject still has a record on disk (lstat: a symlink counts as there, and is never followed). */
export function present(file: string): boolean {
  return fs.lstatSync(file, { throwIfNoEntry: false }) !== undefined;
}
