// The pulse is alive while the process recorded in .lock/pulse.json (pid + start
// time) is running. Nothing else decides `pulse_alive` or `wait`'s pulse-down.
import path from 'node:path';
import type { Paths } from '../paths.ts';
import { createExclusive, ensureDir, readIfExists, removeIfExists } from '../store/fsio.ts';
import { isAlive, selfIdentity, type ProcessIdentity } from '../proc/processIdentity.ts';

export function pulseLockFile(paths: Paths): string {
  return path.join(paths.lockDir, 'pulse.json');
}

function readHolder(paths: Paths): { holder: ProcessIdentity | null; bytes: Buffer | null } {
  const bytes = readIfExists(pulseLockFile(paths));
  if (bytes === null) return { holder: null, bytes };
  try {
    const o = JSON.parse(bytes.toString('utf8')) as { pid?: unknown; start?: unknown };
    if (typeof o.pid === 'number' && (typeof o.start === 'string' || o.start === null)) return { holder: { pid: o.pid, start: o.start }, bytes };
  } catch {
    // unreadable lock: nobody provably holds it
  }
  return { holder: null, bytes };
}

export function pulseAlive(paths: Paths): boolean {
  const { holder } = readHolder(paths);
  return holder !== null && isAlive(holder);
}

/** Takes the single-instance pulse lock; false when a live pulse holds it. */
export function acquirePulseLock(paths: Paths): boolean {
  ensureDir(paths.lockDir);
  const me = `${JSON.stringify({ ...selfIdentity(), since: new Date().toISOString() })}\n`;
  for (let i = 0; i < 3; i++) {
    if (createExclusive(pulseLockFile(paths), me)) return true;
    const { holder, bytes } = readHolder(paths);
    if (holder !== null && isAlive(holder)) return false;
    // Stale: remove only the exact bytes we judged dead, then race for it again.
    const now = readIfExists(pulseLockFile(paths));
    if (bytes !== null && now !== null && now.equals(bytes)) removeIfExists(pulseLockFile(paths));
  }
  return false;
}

export function releasePulseLock(paths: Paths): void {
  const { holder } = readHolder(paths);
  const me = selfIdentity();
  if (holder !== null && holder.pid === me.pid && holder.start === me.start) removeIfExists(pulseLockFile(paths));
}
