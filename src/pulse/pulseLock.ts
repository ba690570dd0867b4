// The pulse is alive while the process recorded in .lock/pulse.json is: pid + start
// time when it runs here, its lease when it runs in another PID namespace or machine.
// Nothing else decides `pulse_alive` or `wait`'s pulse-down.
import path from 'node:path';
import type { Paths } from '../paths.ts';
import { createExclusive, ensureDir, readIfExists, removeIfExists } from '../store/fsio.ts';
import { identityFromJson, isAlive, sameIdentity, selfIdentity, type ProcessIdentity } from '../proc/processIdentity.ts';
import { holdLease, type Lease } from '../proc/lease.ts';

export function pulseLockFile(paths: Paths): string {
  return path.join(paths.lockDir, 'pulse.json');
}

function readHolder(paths: Paths): { holder: ProcessIdentity | null; bytes: Buffer | null } {
  const bytes = readIfExists(pulseLockFile(paths));
  if (bytes === null) return { holder: null, bytes };
  try {
    return { holder: identityFromJson(JSON.parse(bytes.toString('utf8'))), bytes };
  } catch {
    // unreadable lock: nobody provably holds it
  }
  return { holder: null, bytes };
}

/** The live pulse holding the lock, for messages that name it; null when none does. */
export function pulseHolder(paths: Paths): { pid: number; since: string | null; identity: ProcessIdentity } | null {
  const { holder, bytes } = readHolder(paths);
  if (holder === null || bytes === null || !isAlive(holder, paths)) return null;
  let since: string | null = null;
  try {
    const o: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof o === 'object' && o !== null && typeof (o as { since?: unknown }).since === 'string') since = (o as { since: string }).since;
  } catch {
    // readHolder parsed it a moment ago; a swap in between leaves `since` unknown
  }
  return { pid: holder.pid, since, identity: holder };
}

export function pulseAlive(paths: Paths): boolean {
  const { holder } = readHolder(paths);
  return holder !== null && isAlive(holder, paths);
}

let lease: Lease | null = null;

/** Takes the single-instance pulse lock; false when a live pulse holds it. */
export function acquirePulseLock(paths: Paths): boolean {
  ensureDir(paths.lockDir);
  // The lease exists before the lock names us, so no judge ever sees us without one.
  const mine = holdLease(paths.lockDir, selfIdentity());
  const me = `${JSON.stringify({ ...selfIdentity(), since: new Date().toISOString() })}\n`;
  for (let i = 0; i < 3; i++) {
    if (createExclusive(pulseLockFile(paths), me)) {
      lease?.release();
      lease = mine;
      return true;
    }
    const { holder, bytes } = readHolder(paths);
    if (holder !== null && isAlive(holder, paths)) break;
    // Stale: remove only the exact bytes we judged dead, then race for it again.
    const now = readIfExists(pulseLockFile(paths));
    if (bytes !== null && now !== null && now.equals(bytes)) removeIfExists(pulseLockFile(paths));
  }
  mine.release();
  return false;
}

export function releasePulseLock(paths: Paths): void {
  const { holder } = readHolder(paths);
  if (holder !== null && sameIdentity(holder, selfIdentity())) removeIfExists(pulseLockFile(paths));
  lease?.release();
  lease = null;
}
