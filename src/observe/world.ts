// What `state` shows and what `wait` fingerprints: plain reads of the data dir.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Paths } from '../paths.ts';
import { listDir, readIfExists } from '../store/fsio.ts';
import type { AskView } from '../mailbox/askRecords.ts';

export const CATEGORIES = ['asks', 'goals', 'journal', 'playbook', 'snapshots'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Fingerprints = Record<Category, string>;

export function goalIds(paths: Paths): string[] {
  return listDir(path.join(paths.dataDir, 'goals'))
    .filter((n) => n.endsWith('.md') && !n.startsWith('.'))
    .map((n) => n.slice(0, -3))
    .sort();
}

export function readSnapshots(paths: Paths): Record<string, unknown> {
  const dir = path.join(paths.dataDir, 'snapshots');
  const out: Record<string, unknown> = {};
  for (const name of listDir(dir).sort()) {
    if (!name.endsWith('.json') || name.startsWith('.')) continue;
    const bytes = readIfExists(path.join(dir, name));
    if (bytes === null) continue;
    try {
      out[name.slice(0, -5)] = JSON.parse(bytes.toString('utf8'));
    } catch {
      // Non-JSON snapshots are skipped here; `wait` still fingerprints their bytes.
    }
  }
  return out;
}

export function journalTail(paths: Paths, n: number): string[] {
  const bytes = readIfExists(path.join(paths.dataDir, 'journal.md'));
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

function dirHash(dir: string, suffix: string | null): string {
  const parts: (string | Buffer)[] = [];
  for (const name of listDir(dir).sort()) {
    if (name.startsWith('.') || (suffix !== null && !name.endsWith(suffix))) continue;
    parts.push(name, readIfExists(path.join(dir, name)) ?? '');
  }
  return hashOf(parts);
}

export function fingerprints(paths: Paths, pendingAsks: readonly AskView[]): Fingerprints {
  return {
    asks: hashOf([JSON.stringify(pendingAsks)]),
    goals: dirHash(path.join(paths.dataDir, 'goals'), '.md'),
    journal: hashOf([readIfExists(path.join(paths.dataDir, 'journal.md')) ?? '']),
    playbook: hashOf([readIfExists(path.join(paths.dataDir, 'PLAYBOOK.md')) ?? '']),
    snapshots: dirHash(path.join(paths.dataDir, 'snapshots'), null),
  };
}

export function changedCategories(a: Fingerprints, b: Fingerprints): Category[] {
  return CATEGORIES.filter((c) => a[c] !== b[c]);
}
