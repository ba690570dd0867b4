// The world as the decider sees it (reference §8.6), read in one pass: the policy half
// (PLAYBOOK.md, then top-level goals/*.md) and every snapshot's wake signal. From the
// same reads come the 128-bit world hash, the policy hash (what backoff is keyed on)
// and the per-item map that WHAT CHANGED and flap detection diff. Sensor scripts,
// archived goals and the clock are deliberately not part of the world.
import path from 'node:path';
import { fs } from '../nodeFs.ts';
import { listDir } from '../store/fsio.ts';
import { readDataFile } from '../store/dataFile.ts';
import { Fnv128, canonicalJson, contentHash, wakeSignal } from './hash.ts';

/** item key (`playbook`, `goal:<id>`, `snap:<stem>`) → value; plain JSON, persisted as `.last-world.json`. */
export type WorldItems = Record<string, string>;

export interface WorldView {
  readonly hash: string;
  readonly policyHash: string;
  readonly items: WorldItems;
}

// Generous: a world file this large is already a problem, but its edits must still move the hash.
const WORLD_FILE_MAX_BYTES = 16 << 20;
export const UNREADABLE = '!unreadable';

type PolicyRead = { kind: 'skip' } | { kind: 'ok'; bytes: Buffer } | { kind: 'unreadable' };

function readPolicyFile(file: string): PolicyRead {
  const r = readDataFile(file, WORLD_FILE_MAX_BYTES);
  if (r.kind === 'absent') return { kind: 'skip' };
  if (r.kind === 'ok') return { kind: 'ok', bytes: r.bytes };
  // A directory named like a goal is not a goal; anything else we cannot read is a visible state.
  if (r.reason === 'not-regular' && fs.lstatSync(file, { throwIfNoEntry: false })?.isDirectory() === true) return { kind: 'skip' };
  return { kind: 'unreadable' };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The serialized wake signal of snapshot bytes, or null when they are not JSON text. */
export function snapshotSignal(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return null;
  }
  try {
    return canonicalJson(wakeSignal(JSON.parse(text)));
  } catch {
    return null;
  }
}

export function nonJsonItem(bytes: Uint8Array): string {
  return `(non-JSON, ${bytes.length} bytes, fnv ${contentHash(bytes)})`;
}

function snapshotNames(dir: string): string[] {
  return listDir(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
}

export function goalNames(dataDir: string): string[] {
  return listDir(path.join(dataDir, 'goals')).filter((n) => n.endsWith('.md') && !n.startsWith('.')).sort();
}

/** Hashes the world on disk now. Never throws for a hostile file: it becomes part of the state. */
export function worldView(dataDir: string): WorldView {
  const world = new Fnv128();
  const policy = new Fnv128();
  const items: WorldItems = {};
  const addPolicy = (rel: string, key: string): void => {
    const r = readPolicyFile(path.join(dataDir, rel));
    if (r.kind === 'skip') return;
    const chunks: (string | Buffer)[] = r.kind === 'ok' ? [`@@ ${rel} ${r.bytes.length}\n`, r.bytes] : [`@@ ${rel} ${UNREADABLE}\n`];
    for (const c of chunks) {
      world.update(c);
      policy.update(c);
    }
    items[key] = r.kind === 'ok' ? contentHash(r.bytes) : UNREADABLE;
  };
  addPolicy('PLAYBOOK.md', 'playbook');
  for (const name of goalNames(dataDir)) addPolicy(`goals/${name}`, `goal:${name.slice(0, -3)}`);

  const snapDir = path.join(dataDir, 'snapshots');
  for (const name of snapshotNames(snapDir)) {
    const r = readDataFile(path.join(snapDir, name), WORLD_FILE_MAX_BYTES);
    const bytes = r.kind === 'ok' ? r.bytes : Buffer.alloc(0);
    const signal = snapshotSignal(bytes);
    const body = signal === null ? bytes : Buffer.from(signal, 'utf8');
    world.update(`@@ snapshots/${name} ${body.length + 1}\n`).update(body).update('\n');
    items[`snap:${name.slice(0, -5)}`] = signal ?? nonJsonItem(bytes);
  }
  return { hash: world.hex(), policyHash: policy.hex(), items };
}
