// Shared pieces of the benchmark: spawning the CLI, percentiles, readiness probes.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'looop.cjs');

export function tmpDir(label) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `looop-bench-${label}-`));
}

export function envFor(dataDir, extra = {}) {
  const env = { ...process.env, LOOOP_DATA_DIR: dataDir, NO_COLOR: '1', ...extra };
  delete env.LOOOP_SESSION_ID;
  return env;
}

export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export function round(n, d = 1) {
  const f = 10 ** d;
  return Math.round(n * f) / f;
}

/** Spawns a process and resolves `firstOutput` at the first stdout byte (high-resolution time). */
export function spawnTimed(cmd, args, env) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const firstOutput = new Promise((resolve) => {
    child.stdout.once('data', () => resolve(performance.now()));
  });
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return { child, firstOutput, exit, out: () => stdout, err: () => stderr };
}

/** Number of inotify watches a process holds (Linux): how we know a watcher is armed. */
export function inotifyWatches(pid) {
  let n = 0;
  let fds;
  try {
    fds = fs.readdirSync(`/proc/${pid}/fdinfo`);
  } catch {
    return -1;
  }
  for (const fd of fds) {
    try {
      const info = fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      n += (info.match(/^inotify wd:/gm) ?? []).length;
    } catch {}
  }
  return n;
}

/**
 * True while every thread of a process sleeps and its main thread waits in epoll (Linux):
 * it has finished what it was doing and is blocked on its watch, timers or pipes.
 */
export function blockedInEventLoop(pid) {
  let tids;
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'S') return false;
      if (tid === String(pid) && !/epoll/.test(fs.readFileSync(`/proc/${pid}/task/${tid}/wchan`, 'utf8'))) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** A check that holds once `check()` has held on `times` probes in a row (a settled state, not a passing moment). */
export function steadily(check, times = 3) {
  let run = 0;
  return () => {
    run = check() ? run + 1 : 0;
    return run >= times;
  };
}

/** Resolves once `check()` is truthy, re-checking on changes in `dir` (and every 5 ms as a backstop). */
export function until(check, dir, ms = 10_000, what = 'condition') {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let watcher;
    const finish = (v) => {
      watcher?.close();
      clearInterval(timer);
      resolve(v);
    };
    const probe = () => {
      const v = check();
      if (v) finish(v);
      else if (Date.now() - started > ms) {
        watcher?.close();
        clearInterval(timer);
        reject(new Error(`bench: timed out waiting for ${what}`));
      }
    };
    try {
      watcher = fs.watch(dir, probe);
    } catch {}
    const timer = setInterval(probe, 5);
    probe();
  });
}

/** Publishes a file the way `looop answer` does: temp, fsync, rename. */
export function publish(file, text) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.bench.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  fs.writeSync(fd, text);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
}

/** Voluntary context switches (wake-ups) and CPU clock ticks a live process has used so far (Linux). */
export function processCost(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const wakeups = Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1]);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { wakeups, ticks: Number(f[11]) + Number(f[12]) };
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

/** What each process costs over one quiet window: wake-ups per second and % of one CPU. */
export async function idleCost(pids, windowMs) {
  const before = pids.map(processCost);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, windowMs));
  const secs = (performance.now() - t0) / 1000;
  return pids.map((pid, i) => {
    const after = processCost(pid);
    return {
      wakeupsPerS: (after.wakeups - before[i].wakeups) / secs,
      cpuPct: (100 * (after.ticks - before[i].ticks)) / CLOCK_TICKS_PER_S / secs,
    };
  });
}
