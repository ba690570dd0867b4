// Ask ids are `<worker>-<n>`, and n is never handed out twice, even after the ask and
// its answer are archived: a late answer must never reach a newer ask. A per-worker
// counter, asks/ids/<worker>.json, holds the highest n handed out as its `rev`, and
// taking the next one is a compare-and-swap publish of rev + 1 (revTokens.ts): two
// racers can never publish the same rev. So allocation costs the same with ten asks
// or ten thousand behind it.
import path from 'node:path';
import { LooopError } from '../errors.ts';
import type { Paths } from '../paths.ts';
import { readDataFile } from '../store/dataFile.ts';
import { waitForDirChange } from '../store/dirChange.ts';
import { createExclusive, ensureDir, listDir, sweepDeadTemps } from '../store/fsio.ts';
import { parseRev, publishNextRev, sweepRevTokens } from '../store/revTokens.ts';
import { answerArchiveDir, askArchiveDir } from './askArchive.ts';

export function counterFile(paths: Paths, worker: string): string {
  return path.join(paths.asks, 'ids', `${worker}.json`);
}

function counterBytes(n: number): string {
  return `${JSON.stringify({ v: 1, rev: n })}\n`;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The highest n any file on disk uses for this worker: live and archived asks and
 * answers. Read once per worker, when its counter does not exist yet (a new worker,
 * or a data dir from before counters), so old ids are never reused after an upgrade.
 */
function highestOnDisk(paths: Paths, worker: string): number {
  const re = new RegExp(`^${escapeRe(worker)}-(\\d+)\\.`);
  let max = 0;
  const dirs = [paths.asks, paths.answers, askArchiveDir(paths, worker), answerArchiveDir(paths, `${worker}-1`)];
  for (const dir of dirs) {
    for (const name of listDir(dir)) {
      const m = re.exec(name);
      if (m?.[1] !== undefined) max = Math.max(max, Number(m[1]));
    }
  }
  return max;
}

/** Hands out the next ask number for `worker`; never the same one twice. */
export async function allocateAskNumber(paths: Paths, worker: string, timeoutMs = 10_000): Promise<number> {
  const file = counterFile(paths, worker);
  const rel = path.relative(paths.dataDir, file);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = readDataFile(file, 4096);
    if (r.kind === 'absent') {
      ensureDir(path.dirname(file));
      // Whoever creates it first seeds it; the rest read theirs on the next turn.
      createExclusive(file, counterBytes(highestOnDisk(paths, worker)));
      continue;
    }
    const hint = `remove ${rel}; looop rebuilds it from the asks and answers on disk`;
    if (r.kind === 'refused') throw new LooopError('BAD_FILE', `ask id counter ${rel} ${r.problem}`, { hint });
    const cur = parseRev(r.bytes);
    if (cur === null || cur < 0) throw new LooopError('CORRUPT_FILE', `ask id counter ${rel} is not a counter record`, { hint });
    const out = publishNextRev(file, cur, counterBytes);
    if (out.kind === 'published') return out.rev;
    if (out.kind === 'busy') {
      if (Date.now() > deadline) {
        throw new LooopError('CONFLICT', `ask id counter ${rel}: another process has held its write token for too long`, {
          hint: `it belongs to pid ${out.holder.pid}; if that process is stuck, kill it and retry`,
        });
      }
      await waitForDirChange(path.dirname(file), 50);
    }
    // 'conflict': someone took a number first; take the next.
  }
}

/**
 * Debris a killed allocator may leave in asks/ids/ (a temp, a token). Harmless where it
 * is, and listing the directory costs one name per worker ever seen, so only the
 * history verb (`asks --all`) does it.
 */
export function sweepCounters(paths: Paths): void {
  const dir = path.join(paths.asks, 'ids');
  const names = listDir(dir);
  sweepDeadTemps(dir, names);
  sweepRevTokens(dir, names);
}
