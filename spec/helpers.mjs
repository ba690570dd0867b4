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

/**
 * How long any wait in a test may take before it fails. A deadline only decides how
 * long a broken test takes to say so: on a loaded 2-core machine a healthy step (a node
 * start, a host coming up) can take many seconds, so no wait gives up sooner than this,
 * whatever shorter figure a test names. LOOOP_TEST_PATIENCE_MS overrides it.
 */
export const PATIENCE_MS = Math.max(1000, Number(process.env.LOOOP_TEST_PATIENCE_MS) || 60_000);
export const patience = (ms = 0) => Math.max(ms, PATIENCE_MS);

/**
 * Where test data dirs live: a tmpfs when one has room (fsync there is free, and the
 * suite fsyncs thousands of records; on this VM's disk that alone tripled its time),
 * else the OS temp dir. LOOOP_TEST_TMPDIR overrides it.
 */
export const TMP_ROOT = (() => {
  if (process.env.LOOOP_TEST_TMPDIR) return process.env.LOOOP_TEST_TMPDIR;
  try {
    const st = fs.statfsSync('/dev/shm');
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    // The 50 MB flood test and parallel files need room; a small container shm does not do.
    if (st.bavail * st.bsize >= 1 << 30) return '/dev/shm';
  } catch {}
  return os.tmpdir();
})();

const leftovers = new Set();
process.on('exit', () => {
  for (const dir of leftovers) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {}
  }
});

/** Background CLI processes still running, by the data dir they were started on. */
const running = new Map();

/** SIGKILLs the background processes started on `dir` (by pid) and waits until they are gone. */
async function stopBackground(dir) {
  const procs = [...(running.get(dir) ?? [])];
  running.delete(dir);
  for (const p of procs) {
    if (p.exited === null) {
      try {
        process.kill(p.child.pid, 'SIGKILL');
      } catch {}
    }
  }
  // 'exit', not 'close': a grandchild holding the pipes must not keep us waiting.
  const gone = (c) => c.exitCode !== null || c.signalCode !== null;
  await Promise.all(procs.map(({ child }) => (gone(child) ? null : new Promise((resolve) => child.once('exit', resolve)))));
}

/**
 * A fresh data dir (see TMP_ROOT), removed after the test (unless LOOOP_KEEP_TMP=1).
 * Before removal, the background CLI processes started on it (looopBg) are killed and
 * reaped, and any session the test left running is killed by the pids its record names:
 * otherwise a process still running could recreate directories while they are removed.
 * Whatever still cannot be removed is removed when the test file exits.
 */
export function tempDataDir(t, label = 'looop') {
  const dir = fs.mkdtempSync(path.join(TMP_ROOT, `${label}-`));
  if (process.env.LOOOP_KEEP_TMP === '1') return dir;
  leftovers.add(dir);
  t.after(async () => {
    await stopBackground(dir);
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

/** Runs the CLI to completion (killed, and the test failed, if it runs past the patience). */
export function looop(dataDir, args, { input, env = {}, timeoutMs } = {}) {
  const ms = patience(timeoutMs);
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: envFor(dataDir, env),
    input,
    encoding: 'utf8',
    timeout: ms,
    maxBuffer: 64 << 20,
  });
  if (r.error?.code === 'ETIMEDOUT') {
    throw new Error(`looop ${args.join(' ')} did not finish within ${ms} ms; stdout=${JSON.stringify(r.stdout?.slice(-300))} stderr=${JSON.stringify(r.stderr?.slice(-300))}`);
  }
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/**
 * Runs the CLI to completion without blocking the test, so independent invocations can
 * run side by side (a test of twenty refusals need not pay for twenty start-ups in a row).
 */
export function looopAsync(dataDir, args, { input, env = {}, timeoutMs } = {}) {
  const ms = patience(timeoutMs);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: envFor(dataDir, env), stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    if (input !== undefined) child.stdin.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
      reject(new Error(`looop ${args.join(' ')} did not finish within ${ms} ms; stdout=${JSON.stringify(stdout.slice(-300))} stderr=${JSON.stringify(stderr.slice(-300))}`));
    }, ms);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, signal });
    });
  });
}

/** Starts the CLI in the background; the test kills it (by pid) if it is still running at the end. */
export function looopBg(t, dataDir, args, { env = {} } = {}) {
  return spawnBg(t, dataDir, process.execPath, [BIN, ...args], { env });
}

/**
 * Starts any command in the background against `dataDir` (e.g. the CLI under `unshare`),
 * collecting its output; the test kills it (by pid) if it is still running at the end.
 */
export function spawnBg(t, dataDir, command, args, { env = {} } = {}) {
  const child = spawn(command, args, { env: envFor(dataDir, env), stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { child, stdout: '', stderr: '', exited: null };
  child.stdout.setEncoding('utf8').on('data', (d) => (proc.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (proc.stderr += d));
  proc.exit = new Promise((resolve) => {
    child.on('close', (code, signal) => {
      proc.exited = { code, signal };
      resolve(proc.exited);
    });
  });
  if (!running.has(dataDir)) running.set(dataDir, new Set());
  running.get(dataDir).add(proc);
  void proc.exit.then(() => running.get(dataDir)?.delete(proc));
  t.after(() => {
    if (proc.exited === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }
  });
  return proc;
}

/** Resolves with the child's exit, or rejects after `ms` (at least the patience) naming what it printed so far. */
export async function exitWithin(proc, requestedMs, what = 'the process to exit') {
  const ms = patience(requestedMs);
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
 * (fs.watch) and at most every `recheckMs`. Rejects after `ms` (at least the patience)
 * with `describe()`; a describe that throws is reported, never masks the timeout.
 */
export async function waitFor(check, { dir, ms: requestedMs, what = 'condition', describe = () => '', recheckMs = 50 } = {}) {
  const ms = patience(requestedMs);
  const started = Date.now();
  let poke = () => {};
  let watcher;
  try {
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}; saw: ${safely(describe)}`);
      if (dir !== undefined && watcher === undefined) {
        try {
          // The directory may not exist yet (then the re-check timer alone drives us) or
          // may vanish while watched (then the watch ends and the timer carries on).
          watcher = fs.watch(dir, { recursive: false }, () => poke());
          watcher.on('error', () => {
            watcher?.close();
            watcher = null;
          });
        } catch {}
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, recheckMs);
        poke = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      poke = () => {};
    }
  } finally {
    watcher?.close();
  }
}

function safely(describe) {
  try {
    return describe();
  } catch (e) {
    return `(could not describe: ${e.message})`;
  }
}

/** Waits for a file to exist (watching its directory, which may not exist yet). */
export function waitForFile(file, ms) {
  const dir = path.dirname(file);
  const seen = () => (fs.existsSync(dir) ? `${dir} holds [${fs.readdirSync(dir).join(', ')}]` : `${dir} does not exist yet`);
  return waitFor(() => fs.existsSync(file), { dir, ms, what: `${file} to exist`, describe: seen });
}

export function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}
