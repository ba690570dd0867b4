// The replay archive (reference §8.3 step 16, §8.19): one `runs/<run id>/` per decide
// attempt, named `tick-YYYYmmdd-HHMMSS` in local time, `-2`, `-3`… when that second is
// taken, created exclusively (mkdir fails if it exists) so two beats never share one.
// After each attempt the archive is pruned to the newest LOOOP_RUNS_KEEP (50; 0 = all)
// by mtime. Only real directories with run-id names are ours to prune.
import path from 'node:path';
import { fs } from '../nodeFs.ts';
import { hasErrno } from '../errors.ts';
import { DIR_MODE, listDir } from '../store/fsio.ts';
import { errText, nowMs, type GuardCtx, type Now, type Problem } from './guardFile.ts';
import { runsKeep } from './knobs.ts';

export const RUNS_DIR = 'runs';
const RUN_NAME = /^tick-\d{8}-\d{6}(?:-\d+)?$/;
const MAX_SUFFIX = 1000;

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `tick-YYYYmmdd-HHMMSS` of `now` in the process's local time. */
export function runIdAt(now: Now): string {
  const d = new Date(nowMs(now));
  return `tick-${pad(d.getFullYear(), 4)}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

export function runsDir(ctx: GuardCtx): string {
  return path.join(ctx.paths.dataDir, RUNS_DIR);
}

export type RunAllocation =
  | { readonly kind: 'ok'; readonly runId: string; readonly dir: string }
  | { readonly kind: 'failed'; readonly problem: string };


/** Creates this attempt's run dir. Never throws for the file system: failure is data. */
export function allocateRun(ctx: GuardCtx, now: Now): RunAllocation {
  const root = runsDir(ctx);
  try {
    const st = fs.lstatSync(root, { throwIfNoEntry: false });
    if (st === undefined) fs.mkdirSync(root, { mode: DIR_MODE });
    else if (!st.isDirectory()) return { kind: 'failed', problem: `${root} is not a directory — move it aside so the pulse can archive its runs there` };
    const base = runIdAt(now);
    for (let n = 1; n <= MAX_SUFFIX; n++) {
      const runId = n === 1 ? base : `${base}-${n}`;
      const dir = path.join(root, runId);
      try {
        fs.mkdirSync(dir, { mode: DIR_MODE });
        return { kind: 'ok', runId, dir };
      } catch (e) {
        if (!hasErrno(e, 'EEXIST')) throw e;
      }
    }
    return { kind: 'failed', problem: `${root} already holds ${MAX_SUFFIX} runs named ${base}* — prune it by hand` };
  } catch (e) {
    return { kind: 'failed', problem: `cannot create a run dir under ${root} (${errText(e)})` };
  }
}

/** Keeps the newest `keep` run dirs by mtime (ties: the later name); 0 keeps all. */
export function pruneRuns(ctx: GuardCtx, keep: number = runsKeep(ctx)): { removed: string[]; problem: Problem } {
  if (keep <= 0) return { removed: [], problem: null };
  const root = runsDir(ctx);
  const runs: { name: string; mtimeMs: number }[] = [];
  try {
    for (const name of listDir(root)) {
      if (!RUN_NAME.test(name)) continue;
      const st = fs.lstatSync(path.join(root, name), { throwIfNoEntry: false });
      if (st?.isDirectory() === true) runs.push({ name, mtimeMs: st.mtimeMs });
    }
  } catch (e) {
    return { removed: [], problem: `cannot list ${root} (${errText(e)}) — runs not pruned` };
  }
  runs.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  const removed: string[] = [];
  const failed: string[] = [];
  for (const r of runs.slice(keep)) {
    try {
      fs.rmSync(path.join(root, r.name), { recursive: true, force: true });
      removed.push(r.name);
    } catch (e) {
      failed.push(`${r.name} (${errText(e)})`);
    }
  }
  return { removed, problem: failed.length === 0 ? null : `cannot prune ${root}: ${failed.join(', ')}` };
}
