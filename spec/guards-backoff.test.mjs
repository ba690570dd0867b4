// Failure backoff (reference §8.7, §11.35/§11.36): keyed on the policy hash, counted
// across a moving world, cleared only by success, and failing closed on any record it
// cannot read (the hostile-file matrix is in guards-hostile.test.mjs). A fake `now` (unix ms) drives every case; the files are real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { guards, paths } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

const P1 = 'a'.repeat(32);
const P2 = 'b'.repeat(32);
const S = 1000; // ms per second
const T0 = 1_700_000_000 * S;

function setup(t, env = {}) {
  const dir = tempDataDir(t);
  const warnings = [];
  const ctx = { paths: paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env, now: () => new Date(T0), warn: (k, m) => warnings.push([k, m]), bin: 'looop' };
  return { dir, ctx, warnings, file: path.join(dir, '.tick-backoff') };
}

test('backoff delay grows 60, 120, 240 and caps at 300', () => {
  const table = [[0, 0], [1, 60], [2, 120], [3, 240], [4, 300], [5, 300], [6, 300], [99, 300], [Number.MAX_SAFE_INTEGER, 300], [-1, 0]];
  for (const [fails, want] of table) assert.equal(guards.backoffDelayS(fails), want, `fails ${fails}`);
});

test('backoff round-trips: each failure counts one more, the record keeps the policy hash, clear removes it', (t) => {
  const { ctx, file } = setup(t);
  assert.deepEqual(guards.backoffGate(ctx, P1, T0), { kind: 'open', problem: null }, 'no record: open');
  assert.deepEqual(guards.recordBackoff(ctx, P1, T0), { fails: 1, problem: null });
  assert.deepEqual(guards.recordBackoff(ctx, P1, T0 + 5 * S), { fails: 2, problem: null });
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { v: 1, hash: P1, fails: 2, ts: T0 / S + 5 });
  assert.deepEqual(guards.readBackoff(ctx, P1, T0 + 6 * S), { record: { hash: P1, fails: 2, ts: T0 / S + 5 }, problem: null });
  assert.equal(guards.clearBackoff(ctx), null);
  assert.equal(fs.existsSync(file), false);
  assert.equal(guards.clearBackoff(ctx), null, 'clearing nothing is fine');
  assert.equal(guards.readBackoff(ctx, P1, T0).record, null);
});

test('the gate holds for the window, opens after it, and a policy edit cuts it short without resetting the count', (t) => {
  const { ctx } = setup(t);
  guards.recordBackoff(ctx, P1, T0);
  assert.deepEqual(guards.backoffGate(ctx, P1, T0 + 10 * S), { kind: 'hold', fails: 1, retryInS: 50, problem: null });
  assert.deepEqual(guards.backoffGate(ctx, P2, T0 + 10 * S), { kind: 'cut', fails: 1, problem: null }, 'edited PLAYBOOK/goals');
  assert.deepEqual(guards.backoffGate(ctx, P1, T0 + 60 * S), { kind: 'open', problem: null }, 'window elapsed');
  // The retry after the cut fails again: the count goes on (2), keyed on the new policy.
  assert.equal(guards.recordBackoff(ctx, P2, T0 + 11 * S).fails, 2);
  assert.deepEqual(guards.backoffGate(ctx, P2, T0 + 12 * S), { kind: 'hold', fails: 2, retryInS: 119, problem: null }, 'the widened window');
  assert.equal(guards.backoffGate(ctx, P1, T0 + 12 * S).kind, 'cut', 'going back to the old policy is an edit too');
});

test('backoff counts across a moving world: the world hash plays no part, only success clears', (t) => {
  const { ctx } = setup(t);
  for (let i = 1; i <= 5; i++) assert.equal(guards.recordBackoff(ctx, P1, T0 + i * 1000 * S).fails, i);
  assert.deepEqual(guards.backoffGate(ctx, P1, T0 + 5000 * S + 1 * S), { kind: 'hold', fails: 5, retryInS: 299, problem: null });
  guards.clearBackoff(ctx);
  assert.equal(guards.recordBackoff(ctx, P1, T0 + 6000 * S).fails, 1, 'after success the count starts again');
});

test('a corrupt record fails closed: 4 fails from now under the current policy, repaired on disk; the next failure makes 5', (t) => {
  const { ctx, file } = setup(t);
  fs.writeFileSync(file, '{"v":1,"hash":');
  const g = guards.backoffGate(ctx, P1, T0);
  assert.equal(g.kind, 'hold');
  assert.equal(g.fails, 4);
  assert.equal(g.retryInS, 300);
  assert.match(g.problem, /\.tick-backoff/);
  assert.equal(g.problem.split('\n').length, 1, 'one line');
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), { v: 1, hash: P1, fails: 4, ts: T0 / S }, 'repaired');
  assert.deepEqual(guards.backoffGate(ctx, P1, T0 + 300 * S), { kind: 'open', problem: null }, 'the repaired wait elapses');
  assert.equal(guards.recordBackoff(ctx, P1, T0 + 301 * S).fails, 5);
});

test('recording on a corrupt record resumes conservatively at 4, then 5', (t) => {
  const { ctx, file } = setup(t);
  fs.writeFileSync(file, JSON.stringify({ v: 1, hash: P1, fails: 'two', ts: 1 }));
  const r = guards.recordBackoff(ctx, P1, T0);
  assert.equal(r.fails, 4);
  assert.match(r.problem, /\.tick-backoff/);
  assert.deepEqual(guards.recordBackoff(ctx, P1, T0), { fails: 5, problem: null });
});

test('clock jumps: a record from the future waits from now (not a day), a jump forward opens once', (t) => {
  const { ctx, file } = setup(t);
  guards.recordBackoff(ctx, P1, T0 + 86400 * S); // written, then the clock went back a day
  const g = guards.backoffGate(ctx, P1, T0);
  assert.equal(g.kind, 'hold');
  assert.equal(g.retryInS, 60, 'the window counts from now');
  assert.match(g.problem, /future/);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).ts, T0 / S, 're-dated on disk');
  assert.deepEqual(guards.backoffGate(ctx, P1, T0 + 60 * S), { kind: 'open', problem: null }, 'a minute later, not a day');
  // Forward a day: the window is long gone; one retry, and a new failure waits again.
  guards.recordBackoff(ctx, P1, T0);
  assert.equal(guards.backoffGate(ctx, P1, T0 + 86400 * S).kind, 'open');
  assert.equal(guards.recordBackoff(ctx, P1, T0 + 86400 * S).fails, 3);
  assert.equal(guards.backoffGate(ctx, P1, T0 + 86401 * S).kind, 'hold');
});

test('now may be a Date as well as epoch ms', (t) => {
  const { ctx } = setup(t);
  guards.recordBackoff(ctx, P1, new Date(T0));
  assert.deepEqual(guards.backoffGate(ctx, P1, new Date(T0 + 30 * S)), { kind: 'hold', fails: 1, retryInS: 30, problem: null });
});
