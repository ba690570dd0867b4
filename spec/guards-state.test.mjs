// The smaller guards (reference §8.3 steps 10–11, 16, 23–25, §8.8, §8.9, §8.19, §4.4;
// §11.21, §11.35, §11.36): noop TTL, flap ledger, last hash/world, last failure and
// shell, run ids and pruning, and the loop's knobs. Fake `now`, real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { guards, paths, config, worldView, readLastShell } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

const S = 1000;
const H1 = '1'.repeat(32);
const H2 = '2'.repeat(32);

function setup(t, env = {}) {
  const dir = tempDataDir(t);
  const warnings = [];
  const ctx = { paths: paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env, now: () => new Date(0), warn: (k, m) => warnings.push([k, m]), bin: 'looop' };
  return { dir, ctx, warnings, at: (name) => path.join(dir, name) };
}

test('noop TTL bypasses the skip only for an aged noop at the same world hash; any other decision clears it', (t) => {
  const { ctx, at } = setup(t, { LOOOP_NOOP_TTL: '100' });
  assert.deepEqual(guards.noopRevisitDue(ctx, H1, 1000 * S), { due: false, problem: null }, 'no record');
  assert.equal(guards.recordNoop(ctx, H1, 1000 * S), null);
  assert.deepEqual(JSON.parse(fs.readFileSync(at('.noop-at.json'), 'utf8')), { v: 1, ts: 1000, hash: H1 });
  assert.equal(guards.noopRevisitDue(ctx, H1, 1099 * S).due, false, 'fresh');
  assert.equal(guards.noopRevisitDue(ctx, H1, 1100 * S).due, true, 'aged');
  assert.equal(guards.noopRevisitDue(ctx, H2, 5000 * S).due, false, 'another world');
  assert.equal(guards.clearNoop(ctx), null);
  assert.equal(guards.noopRevisitDue(ctx, H1, 5000 * S).due, false, 'cleared');
  guards.recordNoop(ctx, H1, 0);
  assert.equal(guards.noopRevisitDue({ ...ctx, env: { LOOOP_NOOP_TTL: '0' } }, H1, 10 ** 9 * S).due, false, '0 = off');
  assert.equal(guards.noopRevisitDue({ ...ctx, env: {} }, H1, 21599 * S).due, false, 'default 21600');
  assert.equal(guards.noopRevisitDue({ ...ctx, env: {} }, H1, 21600 * S).due, true);
});

test('noop TTL: a corrupt record never bypasses; a future one (clock back) is re-dated, not a day late', (t) => {
  const { ctx, at } = setup(t, { LOOOP_NOOP_TTL: '100' });
  fs.writeFileSync(at('.noop-at.json'), JSON.stringify({ v: 1, ts: 'x', hash: H1 }));
  const r = guards.noopRevisitDue(ctx, H1, 10 ** 6 * S);
  assert.equal(r.due, false);
  assert.ok(r.problem.includes(at('.noop-at.json')), r.problem);
  guards.recordNoop(ctx, H1, (1000 + 86400) * S);
  assert.equal(guards.noopRevisitDue(ctx, H1, 1000 * S).due, false);
  assert.equal(guards.noopRevisitDue(ctx, H1, 1100 * S).due, true, 'one TTL after the new clock');
});

const snap = (o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [`snap:${k}`, v]));

test('a signal changing on 5 consecutive beats is flagged and read back; one still beat un-flags it', (t) => {
  const { ctx } = setup(t);
  let u;
  for (let i = 0; i <= 5; i++) u = guards.updateFlap(ctx, { playbook: 'p', ...snap({ 'sensor-clock': `{"t":${i}}`, 'sys-asks': '{}' }) });
  assert.deepEqual(u.flapping, ['sensor-clock']);
  assert.deepEqual(u.newlyFlapping, [{ sensor: 'sensor-clock', streak: 5 }]);
  assert.deepEqual(guards.flappingSensors(ctx), ['sensor-clock'], 'what the prompt reads');
  u = guards.updateFlap(ctx, snap({ 'sensor-clock': '{"t":5}', 'sys-asks': '{}' }));
  assert.deepEqual(u.flapping, [], 'decayed to 4');
  assert.deepEqual(guards.flappingSensors(ctx), []);
  u = guards.updateFlap(ctx, snap({ 'sensor-clock': '{"t":6}', 'sys-asks': '{}' }));
  assert.deepEqual(u.newlyFlapping, [{ sensor: 'sensor-clock', streak: 5 }], 'flagged again: decay, not reset');
  assert.deepEqual(guards.flappingSensors({ ...ctx, env: { LOOOP_FLAP_STREAK: '0' } }), [], '0 = off');
});

test('an intermittent flapper (change, change, still) still reaches the threshold', (t) => {
  const { ctx } = setup(t);
  let v = 0;
  let beats = 0;
  while (guards.flappingSensors(ctx).length === 0 && beats < 40) {
    beats += 1;
    if (beats % 3 !== 0) v += 1;
    guards.updateFlap(ctx, snap({ 'sensor-x': String(v) }));
  }
  assert.deepEqual(guards.flappingSensors(ctx), ['sensor-x'], `after ${beats} beats`);
});

test('a flap entry with a corrupt last re-baselines to 0; gone snapshots drop out; a corrupt ledger starts over', (t) => {
  const { ctx, at } = setup(t);
  fs.writeFileSync(at('.signal-flap.json'), JSON.stringify({ v: 1, snaps: { 'sensor-a': { streak: 4 }, 'sensor-gone': { last: 'x', streak: 9 } } }));
  const u = guards.updateFlap(ctx, snap({ 'sensor-a': 'new' }));
  assert.deepEqual(u.flapping, []);
  assert.deepEqual(JSON.parse(fs.readFileSync(at('.signal-flap.json'), 'utf8')), { v: 1, snaps: { 'sensor-a': { last: 'new', streak: 0 } } });
  fs.writeFileSync(at('.signal-flap.json'), 'garbage');
  const g = guards.updateFlap(ctx, snap({ 'sensor-a': 'new' }));
  assert.ok(g.problem.includes(at('.signal-flap.json')), g.problem);
  assert.equal(guards.updateFlap(ctx, snap({ 'sensor-a': 'new' })).problem, null, 'rebuilt');
});

test('the flap ledger trusts the sensed items over the live disk', (t) => {
  const { ctx, dir, at } = setup(t);
  fs.mkdirSync(at('snapshots'));
  fs.writeFileSync(at('snapshots/sensor-s.json'), '{"signal":{"n":1}}');
  const sensed = worldView(dir).items;
  fs.writeFileSync(at('snapshots/sensor-s.json'), '{"signal":{"n":2}}'); // changed after sensing
  guards.updateFlap(ctx, sensed);
  assert.equal(JSON.parse(fs.readFileSync(at('.signal-flap.json'), 'utf8')).snaps['sensor-s'].last, '{"n":1}');
});

test('last hash: absent is "", a committed one reads back, garbage reads as "" with a line, unreadable idles', (t) => {
  const { ctx, at } = setup(t);
  assert.deepEqual(guards.readLastHash(ctx), { kind: 'ok', hash: '', problem: null });
  assert.equal(guards.writeLastHash(ctx, H1), null);
  assert.equal(fs.readFileSync(at('.last-tick-hash'), 'utf8'), `${H1}\n`);
  assert.deepEqual(guards.readLastHash(ctx), { kind: 'ok', hash: H1, problem: null });
  fs.writeFileSync(at('.last-tick-hash'), `  ${H2}\n\n`);
  assert.equal(guards.readLastHash(ctx).hash, H2, 'trimmed');
  fs.writeFileSync(at('.last-tick-hash'), 'not a hash');
  const g = guards.readLastHash(ctx);
  assert.equal(g.hash, '');
  assert.ok(g.problem.includes(at('.last-tick-hash')));
  fs.rmSync(at('.last-tick-hash'));
  fs.mkdirSync(at('.last-tick-hash'));
  const u = guards.readLastHash(ctx);
  assert.equal(u.kind, 'unreadable');
  assert.ok(u.problem.includes(at('.last-tick-hash')), u.problem);
  assert.match(guards.writeLastHash(ctx, H1), /cannot write/);
});

test('last world round-trips the sensed items; a corrupt one means no WHAT CHANGED, said in one line', (t) => {
  const { ctx, at } = setup(t);
  assert.deepEqual(guards.readLastWorld(ctx), { items: null, problem: null });
  const items = { playbook: H1, 'goal:a': H2, 'snap:sys-asks': '{"pending":[]}' };
  assert.equal(guards.writeLastWorld(ctx, items), null);
  assert.deepEqual(guards.readLastWorld(ctx), { items, problem: null });
  fs.writeFileSync(at('.last-world.json'), '{"playbook":1}');
  const r = guards.readLastWorld(ctx);
  assert.equal(r.items, null);
  assert.ok(r.problem.includes(at('.last-world.json')));
});

test('last failure persists the feedback for the next prompt, with its age; clear removes it', (t) => {
  const { ctx, at } = setup(t);
  assert.deepEqual(guards.readLastFailure(ctx, 0), { failure: null, runId: null, problem: null });
  assert.equal(guards.writeLastFailure(ctx, { runId: 'tick-20260101-000000', code: 'tick.failed', error: 'the runner command failed before producing a decision: exit 3', fails: 3 }, 1000 * S), null);
  assert.deepEqual(JSON.parse(fs.readFileSync(at('.last-failure.json'), 'utf8')), { v: 1, ts: 1000, run_id: 'tick-20260101-000000', code: 'tick.failed', error: 'the runner command failed before producing a decision: exit 3', fails: 3 });
  assert.deepEqual(guards.readLastFailure(ctx, 1042 * S), {
    failure: { code: 'tick.failed', fails: 3, agoS: 42, error: 'the runner command failed before producing a decision: exit 3' },
    runId: 'tick-20260101-000000',
    problem: null,
  });
  assert.equal(guards.readLastFailure(ctx, 10 * S).failure.agoS, 0, 'clock moved back: never negative');
  assert.equal(guards.clearLastFailure(ctx), null);
  assert.equal(guards.readLastFailure(ctx, 0).failure, null);
  fs.writeFileSync(at('.last-failure.json'), '{"v":1}');
  assert.ok(guards.readLastFailure(ctx, 0).problem.includes(at('.last-failure.json')));
});

test('last shell reads the run_shell record for the prompt; a corrupt one is a line, no section', (t) => {
  const { ctx, at } = setup(t);
  assert.deepEqual(readLastShell(ctx), { lastShell: null, problem: null });
  fs.writeFileSync(at('.last-shell.json'), JSON.stringify({ v: 1, ts: 5, cmd: 'echo hi', exit_code: 0, output: 'hi\n' }));
  assert.deepEqual(readLastShell(ctx), { lastShell: { cmd: 'echo hi', exitCode: 0, output: 'hi\n' }, problem: null });
  fs.writeFileSync(at('.last-shell.json'), JSON.stringify({ v: 1, cmd: 'echo hi', exit_code: '0' }));
  assert.ok(readLastShell(ctx).problem.includes(at('.last-shell.json')));
});

test('run ids are tick-YYYYmmdd-HHMMSS in local time, created exclusively with -2, -3 suffixes', (t) => {
  const { ctx, at } = setup(t);
  const when = new Date(2026, 11, 1, 7, 5, 9).getTime(); // local
  const a = guards.allocateRun(ctx, when);
  assert.deepEqual(a, { kind: 'ok', runId: 'tick-20261201-070509', dir: at('runs/tick-20261201-070509') });
  assert.ok(fs.statSync(a.dir).isDirectory());
  assert.equal(guards.allocateRun(ctx, when).runId, 'tick-20261201-070509-2');
  assert.equal(guards.allocateRun(ctx, when + 999).runId, 'tick-20261201-070509-3', 'same second');
  assert.equal(guards.allocateRun(ctx, when + 1000).runId, 'tick-20261201-070510');
  const other = setup(t);
  fs.writeFileSync(other.at('runs'), 'a file');
  const f = guards.allocateRun(other.ctx, when);
  assert.equal(f.kind, 'failed');
  assert.ok(f.problem.includes(other.at('runs')), f.problem);
  fs.rmSync(other.at('runs'));
  fs.symlinkSync(other.dir, other.at('runs'));
  assert.equal(guards.allocateRun(other.ctx, when).kind, 'failed', 'never through a symlink');
});

test('pruning keeps the newest run dirs by mtime; 0 keeps all; only real run dirs are touched', (t) => {
  const { ctx, at } = setup(t);
  const names = ['tick-20260101-000005', 'tick-20260101-000001', 'tick-20260101-000003', 'tick-20260101-000002', 'tick-20260101-000004-2'];
  fs.mkdirSync(at('runs'));
  names.forEach((n, i) => {
    fs.mkdirSync(at(`runs/${n}`));
    fs.writeFileSync(at(`runs/${n}/prompt.md`), 'p');
    fs.utimesSync(at(`runs/${n}`), 1000 + i, 1000 + i); // mtime order is the listing order, not the name order
  });
  fs.mkdirSync(at('runs/notes'));
  fs.writeFileSync(at('runs/tick-20200101-000000'), 'a file, not a run');
  assert.deepEqual(guards.pruneRuns(ctx, 0), { removed: [], problem: null });
  assert.equal(fs.readdirSync(at('runs')).length, 7);
  const r = guards.pruneRuns(ctx, 2);
  assert.deepEqual(r.removed.sort(), [names[0], names[1], names[2]].sort());
  assert.deepEqual(fs.readdirSync(at('runs')).sort(), ['notes', names[3], names[4], 'tick-20200101-000000'].sort());
  const dflt = setup(t, { LOOOP_RUNS_KEEP: 'x' });
  assert.deepEqual(guards.pruneRuns(dflt.ctx), { removed: [], problem: null }, 'no runs dir yet');
  assert.equal(dflt.warnings[0][0], 'env:LOOOP_RUNS_KEEP');
});

test('loop knobs: env over config over defaults, clamps that would spin, one warning per bad knob', (t) => {
  const { ctx, at, warnings } = setup(t);
  const knobs = (env, cfg) => guards.loopKnobs({ ...ctx, env }, cfg);
  const d = knobs({}, null);
  assert.deepEqual(d, { intervalS: 60, maxNextIntervalS: 300, maxDecidesPerHour: 120, noopTtlS: 21600, flapStreak: 5, tickTimeoutMs: 1_800_000, runsKeep: 50, promptMaxBytes: 262144 });
  for (const [v, want] of [[0, 1], [-5, 1], [0.5, 1], [30, 30], [90.7, 90]]) {
    fs.writeFileSync(at('config.json'), JSON.stringify({ interval: v }));
    assert.equal(knobs({}, config.loadConfig(ctx.paths)).intervalS, want, `config interval ${v}`);
  }
  fs.writeFileSync(at('config.json'), JSON.stringify({ interval: 30, max_next_interval: 600 }));
  const cfg = config.loadConfig(ctx.paths);
  assert.equal(knobs({}, cfg).maxNextIntervalS, 600);
  assert.equal(knobs({ LOOOP_INTERVAL: ' 7 ', LOOOP_MAX_NEXT_INTERVAL: '20' }, cfg).intervalS, 7, 'env wins, trimmed');
  assert.equal(knobs({ LOOOP_MAX_NEXT_INTERVAL: '20' }, cfg).maxNextIntervalS, 20);
  assert.equal(knobs({ LOOOP_INTERVAL: '0' }, cfg).intervalS, 1, 'env 0 would spin');
  assert.equal(knobs({ LOOOP_TICK_TIMEOUT_SECS: '0' }, null).tickTimeoutMs, null, '0 = no deadline');
  assert.equal(knobs({ LOOOP_TICK_TIMEOUT_SECS: '99999999999999999999999' }, null).tickTimeoutMs, null, 'absurd = no deadline, no overflow');
  warnings.length = 0;
  const bad = knobs({ LOOOP_INTERVAL: '1.5', LOOOP_NOOP_TTL: '-1', LOOOP_FLAP_STREAK: 'five', LOOOP_TICK_TIMEOUT_SECS: '1e3' }, cfg);
  assert.equal(bad.intervalS, 30, 'a bad env value falls back to the config');
  assert.equal(bad.noopTtlS, 21600);
  assert.equal(bad.flapStreak, 5);
  assert.equal(bad.tickTimeoutMs, 1_800_000);
  assert.deepEqual(warnings.map(([k]) => k).sort(), ['env:LOOOP_FLAP_STREAK', 'env:LOOOP_INTERVAL', 'env:LOOOP_NOOP_TTL', 'env:LOOOP_TICK_TIMEOUT_SECS']);
  assert.ok(warnings.every(([, m]) => !m.includes('\n')));
});
