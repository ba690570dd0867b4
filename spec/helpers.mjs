// Test helpers: a temp data dir per test, the real built CLI, and event-driven
// waits with deadlines whose failure says what was expected and what was seen.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = path.join(ROOT, 'bin', 'looop.cjs');
export const FIXTURES = path.join(ROOT, 'fixtures');

const leftovers = new Set();
process.on('exit', () => {
  for (const dir of leftovers) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh data dir under the OS temp dir, removed after the test (unless LOOOP_KEEP_TMP=1).
 * Any session the test left running is killed first, by the pids its record names.
 * After-hooks run in registration order, so a process the test started later may still
 * be writing here: whatever cannot be removed now is removed when the test file exits.
 */
export function tempDataDir(t, label = 'looop') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  if (process.env.LOOOP_KEEP_TMP === '1') return dir;
  leftovers.add(dir);
  t.after(async () => {
    const { killEverything } = await import('./sessions-helpers.mjs');
    killEverything(dir);
    try {
      fs.rmSync(dir, { recursive: true, force: true });
      leftovers.delete(dir);
    } catch {
      // still in use by a process a later hook stops; removed at exit
    }
  });
  return dir;
}

export function envFor(dataDir, extra = {}) {
  // LOOOP_START_WATCH_MS=0: `worker start` returns once the worker runs, without watching its first second (tests that need the watch set it).
  const env = { ...process.env, LOOOP_DATA_DIR: dataDir, NO_COLOR: '1', LOOOP_START_WATCH_MS: '0', ...extra };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  delete env.LOOOP_SESSION_ID;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs the CLI to completion. */
export function looop(dataDir, args, { input, env = {}, timeoutMs = 20_000 } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: envFor(dataDir, env),
    input,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** Starts the CLI in the background; the test kills it (by pid) if it is still running at the end. */
export function looopBg(t, dataDir, args, { env = {} } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: envFor(dataDir, env), stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { child, stdout: '', stderr: '', exited: null };
  child.stdout.setEncoding('utf8').on('data', (d) => (proc.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (proc.stderr += d));
  proc.exit = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      proc.exited = { code, signal };
      resolve(proc.exited);
    });
  });
  t.after(() => {
    if (proc.exited === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
  });
  return proc;
}

/** Resolves with the child's exit, or rejects after `ms` naming what it printed so far. */
export async function exitWithin(proc, ms, what = 'the process to exit') {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}; stdout=${JSON.stringify(proc.stdout)} stderr=${JSON.stringify(proc.stderr)}`)), ms);
  });
  try {
    return await Promise.race([proc.exit, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until `check()` returns a truthy value, re-checking on every change in `dir`
 * (fs.watch) and at most every `recheckMs`. Rejects after `ms` with `describe()`.
 */
export async function waitFor(check, { dir, ms = 10_000, what = 'condition', describe = () => '', recheckMs = 50 } = {}) {
  const started = Date.now();
  let watcher;
  try {
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}; saw: ${describe()}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, recheckMs);
        if (dir !== undefined && watcher === undefined) {
          try {
            watcher = fs.watch(dir, { recursive: false });
          } catch {}
        }
        watcher?.once('change', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  } finally {
    watcher?.close();
  }
}

/** Waits for a file to exist (watching its directory). */
export function waitForFile(file, ms = 10_000) {
  return waitFor(() => fs.existsSync(file), { dir: path.dirname(file), ms, what: `${file} to exist`, describe: () => fs.readdirSync(path.dirname(file)).join(', ') });
}

export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Wake-ups (voluntary context switches) and CPU ticks a live process has used so far. */
export function processCost(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const wakeups = Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1]);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { wakeups, ticks: Number(f[11]) + Number(f[12]) };
}

/**
 * What an idle process costs over a measurement window. This is not coordination:
 * the window is the thing measured, and nothing waits on its outcome.
 */
export async function idleCost(pid, windowMs) {
  const { setTimeout: windowOf } = await import('node:timers/promises');
  const before = processCost(pid);
  await windowOf(windowMs);
  const after = processCost(pid);
  return { wakeups: after.wakeups - before.wakeups, ticks: after.ticks - before.ticks };
}
