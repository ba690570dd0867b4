// Sensing (reference §8.4, §11.25) through the real module with real processes: the
// fixtures in fixtures/sensors/ hang, crash, flood, print binary or cannot be spawned,
// and each becomes a normalized snapshot while its siblings carry on. Deadlines here
// are short only because senseAll takes its deadline as a parameter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  paths, senseAll, SESSION_ENTITY, sessionFiles, declaredInterval, readTail, snapshotSignal, outcomeProblem, runClaim, entityStore, ASK_ENTITY, worldView, senseLimitsFromEnv,
} from '../dist/lib.mjs';
import { FIXTURES, tempDataDir, waitFor } from './helpers.mjs';

function ctxFor(dir, now = () => new Date()) {
  const env = { LOOOP_DATA_DIR: dir };
  return { paths: paths.resolvePaths(env, dir), env, now, warn: () => {}, bin: 'looop' };
}

/** Installs fixture sensors (keeping their modes) as `sensors/<as>.sh`. */
function install(dir, ...names) {
  fs.mkdirSync(path.join(dir, 'sensors'), { recursive: true });
  for (const spec of names) {
    const [from, as = from] = spec.split(':');
    const src = path.join(FIXTURES, 'sensors', `${from}.sh`);
    const dst = path.join(dir, 'sensors', `${as}.sh`);
    fs.copyFileSync(src, dst);
    fs.chmodSync(dst, fs.statSync(src).mode & 0o777);
  }
}

const snapDir = (dir) => path.join(dir, 'snapshots');
const snap = (dir, name) => JSON.parse(fs.readFileSync(path.join(snapDir(dir), `${name}.json`), 'utf8'));
const outcome = (report, name) => report.outcomes.find((o) => o.name === name);
const opts = (dir, extra = {}) => ({ timeoutMs: 60_000, maxBytes: 8192, cwd: dir, env: { ...process.env, ...extra.env }, ...extra });

test('a good sensor is rename-published with no temp or empty .err left; every system sensor writes its snapshot', async (t) => {
  const dir = tempDataDir(t);
  install(dir, 'fast');
  const report = await senseAll(ctxFor(dir), opts(dir));
  assert.deepEqual(snap(dir, 'sensor-fast').signal, { green: true });
  assert.deepEqual(fs.readdirSync(snapDir(dir)).sort(), ['sensor-fast.json', 'sys-asks.json', 'sys-claims.json', 'sys-goals.json', 'sys-schedules.json', 'sys-sessions.json']);
  assert.deepEqual({ ok: report.ok, total: report.total, skipped: report.skipped, failed: report.failed }, { ok: 6, total: 6, skipped: 0, failed: [] });
  assert.deepEqual(snap(dir, 'sys-sessions'), { signal: [], detail: { count: 0, workers: {} } });
  assert.deepEqual(snap(dir, 'sys-claims'), { signal: [] });
  assert.deepEqual(snap(dir, 'sys-asks'), { signal: { pending: [] }, detail: {} });
  assert.deepEqual(snap(dir, 'sys-schedules'), { signal: {}, detail: {} });
});

test('crash, signal death, plain exit 130 and a missing exec bit each become an error blob, shaped as upstream', async (t) => {
  const dir = tempDataDir(t);
  install(dir, 'crash', 'selfterm', 'exit130', 'fast:notexec');
  // A good reading first: the unspawnable script must replace it, not leave it standing.
  await senseAll(ctxFor(dir), opts(dir));
  assert.deepEqual(snap(dir, 'sensor-notexec').signal, { green: true });
  fs.copyFileSync(path.join(FIXTURES, 'sensors', 'notexec.sh'), path.join(dir, 'sensors', 'notexec.sh'));
  fs.chmodSync(path.join(dir, 'sensors', 'notexec.sh'), 0o644);

  const report = await senseAll(ctxFor(dir), opts(dir));
  const crash = snap(dir, 'sensor-crash');
  assert.deepEqual(crash.signal, { error: true, exit_code: 3 });
  assert.equal(crash.detail.message, 'sensor exited non-zero — fix the script or its environment');
  assert.equal(crash.detail.stderr, 'kaboom');
  assert.equal(snapshotSignal(fs.readFileSync(path.join(snapDir(dir), 'sensor-crash.json'))), '{"error":true,"exit_code":3}');

  const term = snap(dir, 'sensor-selfterm');
  assert.deepEqual(term.signal, { error: true, exit_code: 143 });
  assert.match(term.detail.message, /killed by signal 15/);

  const e130 = snap(dir, 'sensor-exit130');
  assert.deepEqual(e130.signal, { error: true, exit_code: 130 });
  assert.doesNotMatch(e130.detail.message, /signal/);

  const noexec = snap(dir, 'sensor-notexec');
  assert.deepEqual(noexec.signal, { error: true, exit_code: 1 });
  assert.match(noexec.detail.message, /^spawn failed: .*check the script's exec bit and shebang$/);

  assert.deepEqual([...report.failed].sort(), ['sensor-crash', 'sensor-exit130', 'sensor-notexec', 'sensor-selfterm']);
  assert.equal(report.ok, 5); // the five system sensors
  assert.equal(outcomeProblem(outcome(report, 'sensor-crash')), 'snapshots/sensor-crash.json: sensor exited non-zero — fix the script or its environment — see snapshots/sensor-crash.err');
  for (const name of fs.readdirSync(snapDir(dir))) assert.doesNotMatch(name, /\.tmp$/, `no capture temp is left: ${name}`);
});

test('a hanging sensor is killed with its whole process group at the deadline; its siblings publish', async (t) => {
  const dir = tempDataDir(t);
  install(dir, 'hang', 'fast');
  const pidFile = path.join(dir, 'hang.pids');
  t.after(() => {
    // Belt and braces: if the code under test failed to, the test still cleans up by recorded pid.
    for (const pid of fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim().split(' ').map(Number) : []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
  });
  const report = await senseAll(ctxFor(dir), opts(dir, { timeoutMs: 2000, env: { LOOOP_TEST_PIDS: pidFile } }));
  assert.ok(fs.existsSync(pidFile), 'the hanging sensor recorded its pids before the deadline');
  const [leader, grandchild] = fs.readFileSync(pidFile, 'utf8').trim().split(' ').map(Number);
  const blob = snap(dir, 'sensor-hang');
  assert.deepEqual(blob.signal, { error: true, exit_code: 124 });
  assert.equal(blob.detail.message, 'sensor timed out after 2s (LOOOP_SENSOR_TIMEOUT)');
  assert.equal(blob.detail.stderr, 'about to hang');
  assert.deepEqual(report.failed, ['sensor-hang']);
  assert.deepEqual(snap(dir, 'sensor-fast').signal, { green: true });
  // Gone means no such process, or a zombie waiting for a reaper that is not us.
  const gone = (pid) => {
    try {
      return /^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return true;
    }
  };
  await waitFor(() => gone(leader) && gone(grandchild), {
    what: `the sensor ${leader} and its grandchild ${grandchild} to be killed`,
    describe: () => `leader gone: ${gone(leader)}, grandchild gone: ${gone(grandchild)}`,
  });
});

test('oversized output becomes a too-large blob whose wake signal is size-stable, and counts as ok (50 MB too)', async (t) => {
  const dir = tempDataDir(t);
  install(dir, 'huge', 'notjson');
  const report = await senseAll(ctxFor(dir), opts(dir, { maxBytes: 16 }));
  const huge = snap(dir, 'sensor-huge');
  const small = snap(dir, 'sensor-notjson');
  assert.deepEqual(huge.signal, { error: 'too-large', cap: 16 });
  assert.deepEqual(small.signal, huge.signal, 'a 19-byte and a 50 MB overflow wake the loop the same way');
  assert.equal(huge.detail.bytes, 52428800);
  assert.equal(small.detail.bytes, 19);
  assert.deepEqual(report.failed, []);
  assert.match(outcomeProblem(outcome(report, 'sensor-huge')), /^snapshots\/sensor-huge\.json: printed 52428800 bytes, over the 16-byte cap/);
  assert.deepEqual(fs.readdirSync(snapDir(dir)).filter((n) => n.startsWith('sensor-')).sort(), ['sensor-huge.json', 'sensor-notjson.json']);
});

test('binary output becomes a binary blob; non-JSON text is published raw (as upstream) with a note', async (t) => {
  const dir = tempDataDir(t);
  install(dir, 'binary', 'notjson');
  const report = await senseAll(ctxFor(dir), opts(dir));
  const bin = snap(dir, 'sensor-binary');
  assert.deepEqual(bin.signal, { error: 'binary' });
  assert.equal(bin.detail.bytes, 15);
  assert.deepEqual(report.failed, ['sensor-binary']);
  assert.equal(fs.readFileSync(path.join(snapDir(dir), 'sensor-notjson.json'), 'utf8'), 'all good, probably\n');
  assert.match(outcomeProblem(outcome(report, 'sensor-notjson')), /not JSON/);
  assert.match(worldView(dir).items['snap:sensor-notjson'], /^\(non-JSON, 19 bytes, fnv [0-9a-f]{32}\)$/);
});

test('the cadence directive skips a fresh snapshot by the injected clock; a script edit or an aged snapshot re-runs', async (t) => {
  const dir = tempDataDir(t);
  install(dir, 'cadence');
  const runs = path.join(dir, 'runs.txt');
  const count = () => fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean).length;
  let clock = Date.now();
  const ctx = ctxFor(dir, () => new Date(clock));
  const o = opts(dir, { env: { LOOOP_TEST_RUNS: runs } });
  const snapFile = path.join(snapDir(dir), 'sensor-cadence.json');
  const script = path.join(dir, 'sensors', 'cadence.sh');

  await senseAll(ctx, o);
  assert.equal(count(), 1);
  const mtime = fs.statSync(snapFile).mtimeMs;

  clock = mtime + 299_000;
  const skipped = await senseAll(ctx, o);
  assert.equal(count(), 1, 'a snapshot younger than the interval is kept');
  assert.equal(outcome(skipped, 'sensor-cadence').kind, 'skipped');
  assert.equal(skipped.skipped, 1);

  clock = mtime + 301_000;
  await senseAll(ctx, o);
  assert.equal(count(), 2, 'an aged snapshot re-runs');

  const now = fs.statSync(snapFile).mtimeMs;
  clock = now + 10_000;
  fs.utimesSync(script, new Date(now + 5000), new Date(now + 5000));
  await senseAll(ctx, o);
  assert.equal(count(), 3, 'a script edited after its snapshot re-runs at once');

  // A snapshot from the future (clock skew) is fresh, not stale.
  const future = new Date(clock + 600_000); // further ahead than the interval itself
  fs.utimesSync(script, new Date(clock - 60_000), new Date(clock - 60_000));
  fs.utimesSync(snapFile, future, future);
  await senseAll(ctx, o);
  assert.equal(count(), 3);
});

test('declaredInterval reads only the first directive in the first 20 lines', () => {
  const table = [
    ['#!/bin/sh\n# looop:interval=300\n', 300],
    ['#!/bin/sh\n   # looop:interval=5  \n', 5],
    ['#!/bin/sh\necho hi\n', null],
    ['#!/bin/sh\n# looop:interval=soon\n# looop:interval=60\n', null],
    ['#!/bin/sh\n# looop:interval=-5\n', null],
    [`${'#\n'.repeat(20)}# looop:interval=60\n`, null],
    [`${'#\n'.repeat(19)}# looop:interval=60\n`, 60],
  ];
  for (const [script, want] of table) assert.equal(declaredInterval(script), want, JSON.stringify(script));
});

test('snapshot files no live sensor owns are pruned before sensing', async (t) => {
  const dir = tempDataDir(t);
  install(dir, 'fast');
  fs.mkdirSync(snapDir(dir), { recursive: true });
  for (const n of ['sensor-gone.json', 'sensor-gone.err', 'sensor-fast.json.tmp', 'sys-retired.json', 'notes.txt']) fs.writeFileSync(path.join(snapDir(dir), n), 'x');
  fs.mkdirSync(path.join(snapDir(dir), 'keep-dir'));
  await senseAll(ctxFor(dir), opts(dir));
  assert.deepEqual(fs.readdirSync(snapDir(dir)).sort(), ['keep-dir', 'sensor-fast.json', 'sys-asks.json', 'sys-claims.json', 'sys-goals.json', 'sys-schedules.json', 'sys-sessions.json']);
});

test('system sensors: held leases sorted by name, goal ages in detail only, pending asks in order with ages in detail', async (t) => {
  const dir = tempDataDir(t);
  const nowS = Math.floor(Date.now() / 1000);
  const ctx = ctxFor(dir);
  const live = { isAlive: (id) => id === 'w1', liveIds: () => new Set(['w1']) };
  for (const name of ['zeta', 'alpha']) assert.equal((await runClaim(ctx, { name, session: 'w1' }, live)).kind, 'won');
  fs.mkdirSync(path.join(dir, 'goals', 'archive'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'goals', 'ship.md'), 'ship it\n');
  fs.writeFileSync(path.join(dir, 'goals', 'triage.md'), 'triage\n');
  fs.writeFileSync(path.join(dir, 'goals', 'archive', 'old.md'), 'old\n');
  fs.writeFileSync(path.join(dir, '.goal-activity.json'), JSON.stringify({ ship: nowS - 120, gone: 1 }));
  fs.mkdirSync(path.join(dir, 'asks'), { recursive: true });
  for (const [id, age] of [['w9-1', 30], ['w9-2', 10]]) {
    const input = { id, worker: 'w9', prompt: 'ok?', reference: null, options: [], ts: nowS - age, asker: null };
    assert.ok(entityStore.createEntity(path.join(dir, 'asks', `${id}.json`), ASK_ENTITY, input, new Date()));
  }
  await senseAll(ctx, opts(dir));

  const claims = snap(dir, 'sys-claims').signal;
  assert.deepEqual(claims.map((c) => c.name), ['alpha', 'zeta']);
  assert.equal(claims[0].claim.holder, 'w1');

  const goals = snap(dir, 'sys-goals');
  assert.deepEqual(goals.signal, {});
  assert.deepEqual(Object.keys(goals.detail.goals), ['ship', 'triage']);
  assert.equal(goals.detail.goals.ship.last_acted_unix, nowS - 120);
  assert.ok(goals.detail.goals.ship.age_s >= 120);
  assert.deepEqual(goals.detail.goals.triage, { last_acted_unix: null, age_s: null });

  const asks = snap(dir, 'sys-asks');
  assert.deepEqual(asks.signal, { pending: ['w9-1', 'w9-2'] });
  assert.equal(asks.detail['w9-1'].worker, 'w9');
  assert.ok(asks.detail['w9-1'].age_s >= 30);
});

test('the spawner is injectable: a fake process writes the reading, no real process runs', async (t) => {
  const dir = tempDataDir(t);
  install(dir, 'notexec:fake');
  const spawned = [];
  const spawner = {
    spawn(req) {
      spawned.push(path.basename(req.file));
      fs.writeSync(req.stdoutFd, '{"signal":{"fake":true}}\n');
      return { pid: null, exit: Promise.resolve({ kind: 'exited', code: 0 }), killGroup() {} };
    },
  };
  const report = await senseAll(ctxFor(dir), opts(dir, { spawner }));
  assert.deepEqual(spawned, ['fake.sh']);
  assert.deepEqual(snap(dir, 'sensor-fake').signal, { fake: true });
  assert.deepEqual(report.failed, []);
});

test('readTail is bounded to the last 1024 bytes; a missing file is empty', async (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'big.err');
  fs.writeFileSync(file, `${'x'.repeat(65536)}SENTINEL\n`);
  const tail = readTail(file);
  assert.ok(Buffer.byteLength(tail) <= 1024);
  assert.ok(tail.endsWith('SENTINEL'));
  assert.equal(readTail(path.join(dir, 'missing.err')), '');
});

test('sensor knobs come from LOOOP_SENSOR_TIMEOUT / LOOOP_SENSOR_MAX_BYTES with upstream defaults; a bad value warns', () => {
  const warned = [];
  const ctx = (env) => ({ env, warn: (k, m) => warned.push(m) });
  assert.deepEqual(senseLimitsFromEnv(ctx({})), { timeoutMs: 60_000, maxBytes: 8192 });
  assert.deepEqual(senseLimitsFromEnv(ctx({ LOOOP_SENSOR_TIMEOUT: '0', LOOOP_SENSOR_MAX_BYTES: '0' })), { timeoutMs: 0, maxBytes: 0 });
  assert.deepEqual(senseLimitsFromEnv(ctx({ LOOOP_SENSOR_TIMEOUT: 'soon' })), { timeoutMs: 60_000, maxBytes: 8192 });
  assert.match(warned[0], /LOOOP_SENSOR_TIMEOUT="soon" is not a whole number/);
});

test('sys-sessions: workers (never the pulse) with health and verify verdict in the signal, volatile ages in detail', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const hourAgo = new Date(Date.now() - 3600_000);
  for (const id of ['w1', 'pulse']) {
    const files = sessionFiles(ctx.paths, id);
    fs.mkdirSync(files.dir, { recursive: true });
    // A start that never reported, long past the grace: a dead session, with no process to clean up.
    entityStore.createEntity(files.record, SESSION_ENTITY, { id, command: 'agent', cwd: '/', cols: 80, rows: 24, createdAt: hourAgo.toISOString() }, hourAgo);
  }
  fs.mkdirSync(path.join(dir, 'verify'));
  fs.writeFileSync(path.join(dir, 'verify', 'w1.json'), JSON.stringify({ v: 1, verdict: 'pass', exit_code: 0, output: '', cmd: 'true', ts: 0, started_at: null }));
  await senseAll(ctx, opts(dir));
  const s = snap(dir, 'sys-sessions');
  assert.deepEqual(s.signal, [{ id: 'w1', state: 'dead', exit_code: null, health: 'dead', verify: 'pass' }]);
  assert.equal(s.detail.count, 1);
  assert.deepEqual(Object.keys(s.detail.workers), ['w1']);
});
