// What `state` shows and what `wait` fingerprints: plain reads of the data dir. Every
// file here may be hostile (a FIFO, a symlink, a directory, a huge file): it is read
// without blocking or following links, reported once by name, and skipped.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Paths } from '../paths.ts';
import { listDir } from '../store/fsio.ts';
import { readDataFile, type DataFileRead } from '../store/dataFile.ts';
import type { AskView } from '../mailbox/askRecords.ts';
import { snapshotSignal } from '../world/view.ts';

export const CATEGORIES = ['asks', 'goals', 'journal', 'playbook', 'snapshots'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Fingerprints = Record<Category, string>;
export type Warn = (key: string, message: string) => void;

// The journal rotates at 5 MiB (LOOOP_JOURNAL_MAX_BYTES); leave room for the append that triggers it.
const JOURNAL_MAX_BYTES = 8 << 20;

/** Reads one file; a refused one is reported once, naming it. */
function readWarned(paths: Paths, file: string, warn: Warn, maxBytes?: number): DataFileRead {
  const r = readDataFile(file, maxBytes);
  if (r.kind === 'refused') warn(`invalid:${file}`, `${path.relative(paths.dataDir, file)} ${r.problem} — skipped (fix or remove it by hand)`);
  return r;
}

function readOrWarn(paths: Paths, file: string, warn: Warn, maxBytes?: number): Buffer | null {
  const r = readWarned(paths, file, warn, maxBytes);
  return r.kind === 'ok' ? r.bytes : null;
}

export function goalIds(paths: Paths): string[] {
  return listDir(path.join(paths.dataDir, 'goals'))
    .filter((n) => n.endsWith('.md') && !n.startsWith('.'))
    .map((n) => n.slice(0, -3))
    .sort();
}

export function readSnapshots(paths: Paths, warn: Warn): Record<string, unknown> {
  const dir = path.join(paths.dataDir, 'snapshots');
  const out: Record<string, unknown> = {};
  for (const name of listDir(dir).sort()) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const bytes = readOrWarn(paths, path.join(dir, name), warn);
    if (bytes === null) continue;
    try {
      out[name.slice(0, -5)] = JSON.parse(bytes.toString('utf8'));
    } catch {
      // Non-JSON snapshots are skipped here; `wait` still counts their bytes.
    }
  }
  return out;
}

export function journalTail(paths: Paths, n: number, warn: Warn): string[] {
  const bytes = readOrWarn(paths, path.join(paths.dataDir, 'journal.md'), warn, JOURNAL_MAX_BYTES);
  if (bytes === null) return [];
  return bytes.toString('utf8').split('\n').filter((l) => l.trim() !== '').slice(-n);
}

function hashOf(parts: Iterable<string | Buffer>): string {
  const h = createHash('sha1');
  for (const p of parts) {
    h.update(p);
    h.update('\0');
  }
  return h.digest('hex');
}

/** A refused file still counts by its problem, so replacing it with a good one is a change. */
function fileHashPart(paths: Paths, file: string, warn: Warn, maxBytes?: number): string | Buffer {
  const r = readWarned(paths, file, warn, maxBytes);
  if (r.kind === 'ok') return r.bytes;
  return r.kind === 'absent' ? '' : `refused:${r.reason}`;
}

function dirHash(paths: Paths, dir: string, suffix: string | null, warn: Warn): string {
  const parts: (string | Buffer)[] = [];
  for (const name of listDir(dir).sort()) {
    if (name.startsWith('.') || (suffix !== null && !name.endsWith(suffix))) continue;
    parts.push(name, fileHashPart(paths, path.join(dir, name), warn));
  }
  return hashOf(parts);
}

/**
 * Snapshots move `wait` only through their wake signal (reference §8.6): a sensor that
 * rewrites its `detail` every run must not wake a subscriber any more than the pulse.
 * A snapshot that is not JSON counts by its bytes.
 */
function snapshotsHash(paths: Paths, warn: Warn): string {
  const dir = path.join(paths.dataDir, 'snapshots');
  const parts: (string | Buffer)[] = [];
  for (const name of listDir(dir).sort()) {
    if (name.startsWith('.') || !name.endsWith('.json')) continue;
    const r = readWarned(paths, path.join(dir, name), warn);
    const value = r.kind === 'ok' ? (snapshotSignal(r.bytes) ?? r.bytes) : r.kind === 'absent' ? '' : `refused:${r.reason}`;
    parts.push(name.slice(0, -5), value);
  }
  return hashOf(parts);
}

export function fingerprints(paths: Paths, pendingAsks: readonly AskView[], warn: Warn): Fingerprints {
  return {
    asks: hashOf([JSON.stringify(pendingAsks)]),
    goals: dirHash(paths, path.join(paths.dataDir, 'goals'), '.md', warn),
    journal: hashOf([fileHashPart(paths, path.join(paths.dataDir, 'journal.md'), warn, JOURNAL_MAX_BYTES)]),
    playbook: hashOf([fileHashPart(paths, path.join(paths.dataDir, 'PLAYBOOK.md'), warn)]),
    snapshots: snapshotsHash(paths, warn),
  };
}

export function changedCategories(a: Fingerprints, b: Fingerprints): Category[] {
  return CATEGORIES.filter((c) => a[c] !== b[c]);
}
