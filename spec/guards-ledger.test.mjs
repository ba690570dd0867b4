// The hourly decide cap (reference §8.7, §11.36): a rolling hour of attempt times in
// `.decide-ledger.json`. Unlike upstream, a ledger we cannot read counts as full (fail
// closed) until it ages out; single bad entries are skipped. Fake `now`, real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { guards, paths } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

const S = 1000;

function setup(t, env = {}) {
  const dir = tempDataDir(t);
  const warnings = [];
  const ctx = { paths: paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env, now: () => new Date(0), warn: (k, m) => warnings.push([k, m]), bin: 'looop' };
  const file = path.join(dir, '.decide-ledger.json');
  return { dir, ctx, warnings, file, ledger: (ts) => fs.writeFileSync(file, JSON.stringify({ v: 1, ts })), read: () => JSON.parse(fs.readFileSync(file, 'utf8')) };
}

test('the cap blocks at the limit and names when the oldest attempt ages out; 0 is unlimited', (t) => {
  const { ctx, ledger } = setup(t, { LOOOP_MAX_DECIDES_PER_HOUR: '2' });
  ledger([500]);
  assert.deepEqual(guards.capGate(ctx, 1000 * S), { kind: 'open', used: 1, cap: 2, problem: null }, 'under the cap');
  ledger([500, 900]);
  assert.deepEqual(guards.capGate(ctx, 1000 * S), { kind: 'capped', used: 2, cap: 2, retryInS: 3100, problem: null });
  assert.deepEqual(guards.capGate(ctx, 4100 * S), { kind: 'open', used: 1, cap: 2, problem: null }, 'the first aged out');
  const unlimited = setup(t, { LOOOP_MAX_DECIDES_PER_HOUR: '0' });
  unlimited.ledger(Array.from({ length: 500 }, (_, i) => 1000 + i));
  assert.equal(guards.capGate(unlimited.ctx, 1500 * S).kind, 'open');
});

test('the default cap is 120, and a bad knob warns once and keeps the default', (t) => {
  const { ctx, ledger, warnings } = setup(t, { LOOOP_MAX_DECIDES_PER_HOUR: 'lots' });
  ledger(Array.from({ length: 119 }, () => 100));
  assert.equal(guards.capGate(ctx, 200 * S).kind, 'open');
  ledger(Array.from({ length: 120 }, () => 100));
  assert.deepEqual(guards.capGate(ctx, 200 * S), { kind: 'capped', used: 120, cap: 120, retryInS: 3500, problem: null });
  assert.ok(warnings.length >= 1 && warnings.every(([k]) => k === 'env:LOOOP_MAX_DECIDES_PER_HOUR'), JSON.stringify(warnings));
  assert.match(warnings[0][1], /LOOOP_MAX_DECIDES_PER_HOUR="lots".*120/);
});

test('recording appends the attempt and prunes what fell out of the rolling hour', (t) => {
  const { ctx, ledger, read } = setup(t);
  ledger([1000, 4000]);
  assert.deepEqual(guards.recordDecide(ctx, 5000 * S), { used: 2, problem: null });
  assert.deepEqual(read(), { v: 1, ts: [4000, 5000] });
  const fresh = setup(t);
  assert.deepEqual(guards.recordDecide(fresh.ctx, 7 * S), { used: 1, problem: null }, 'no ledger yet');
  assert.deepEqual(fresh.read(), { v: 1, ts: [7] });
});

test('bad entries are skipped one by one and the good ones kept', (t) => {
  const { ctx, ledger, read, file } = setup(t);
  ledger([100, 'garbage', 200, -1, null, { t: 3 }]);
  const ins = guards.inspectLedger(ctx, 300 * S);
  assert.deepEqual(ins.entries, [100, 200]);
  assert.ok(ins.problem.includes(file) && /skipped 4 entries/.test(ins.problem), ins.problem);
  assert.equal(guards.capGate(ctx, 300 * S).kind, 'open');
  assert.deepEqual(read(), { v: 1, ts: [100, 200] }, 'the gate rewrote it clean');
  assert.equal(guards.capGate(ctx, 300 * S).problem, null, 'reported once, then clean');
});

test('a whole ledger that is garbage fails closed: the hour counts as spent, then ages out', (t) => {
  const { ctx, file, read } = setup(t, { LOOOP_MAX_DECIDES_PER_HOUR: '3' });
  fs.writeFileSync(file, '{"v":1,"ts":[1,2');
  const g = guards.capGate(ctx, 10_000 * S);
  assert.equal(g.kind, 'capped');
  assert.equal(g.retryInS, 3600);
  assert.ok(g.problem.includes(file), g.problem);
  assert.deepEqual(read(), { v: 1, ts: [10_000, 10_000, 10_000] }, 'the stand-in is on disk, so it ages out');
  assert.equal(guards.capGate(ctx, 13_599 * S).kind, 'capped');
  assert.deepEqual(guards.capGate(ctx, 13_600 * S), { kind: 'open', used: 0, cap: 3, problem: null });
  fs.writeFileSync(file, '[1,2,3]');
  assert.equal(guards.recordDecide(ctx, 20_000 * S).used, 4, 'a record over a corrupt ledger keeps the stand-in too');
  assert.equal(guards.capGate(ctx, 20_001 * S).kind, 'capped');
});

test('clock jumps: entries from the future count as now and age out an hour later, not a day; a jump forward frees the hour', (t) => {
  const { ctx, ledger, read } = setup(t, { LOOOP_MAX_DECIDES_PER_HOUR: '2' });
  const day = 86400;
  ledger([100_000 + day, 100_010 + day]); // written, then the clock went back a day
  const g = guards.capGate(ctx, 100_000 * S);
  assert.equal(g.kind, 'capped');
  assert.equal(g.retryInS, 3600);
  assert.match(g.problem, /future/);
  assert.deepEqual(read(), { v: 1, ts: [100_000, 100_000] }, 'clamped on disk');
  assert.equal(guards.capGate(ctx, (100_000 + 3600) * S).kind, 'open', 'an hour later, not a day');
  ledger([100_000, 100_010]);
  assert.deepEqual(guards.capGate(ctx, (100_000 + day) * S), { kind: 'open', used: 0, cap: 2, problem: null });
});
