// Why the loop is idle (issue 8 item 6): guardReport lists every guard holding the next
// decide back, as data for `state --json` and `wait`. Fake `now`, real files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { guards, paths, worldView } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

const S = 1000;
const T = 1_700_000_000;

function setup(t, env = {}) {
  const dir = tempDataDir(t);
  const ctx = { paths: paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env, now: () => new Date(T * S), warn: () => {}, bin: 'looop' };
  return { dir, ctx, at: (n) => path.join(dir, n) };
}

test('a quiet data dir holds nothing back', (t) => {
  const { ctx } = setup(t);
  assert.deepEqual(guards.guardReport(ctx, T * S), { holding: [], problems: [] });
});

test('backoff (seconds left, fails), cap (retry), flapping sensors and a pending nudge are each reported', (t) => {
  const { ctx, dir, at } = setup(t, { LOOOP_MAX_DECIDES_PER_HOUR: '2', LOOOP_FLAP_STREAK: '2' });
  fs.writeFileSync(at('PLAYBOOK.md'), 'be kind\n');
  const policy = worldView(dir).policyHash;
  guards.recordBackoff(ctx, policy, (T - 100) * S);
  guards.recordBackoff(ctx, policy, (T - 10) * S);
  guards.recordDecide(ctx, (T - 600) * S);
  guards.recordDecide(ctx, (T - 10) * S);
  for (const v of ['1', '2', '3']) guards.updateFlap(ctx, { 'snap:sensor-b': v, 'snap:sensor-a': v, 'snap:sys-asks': '{}' });
  guards.writeNextWake(ctx, T + 40);
  const r = guards.guardReport(ctx, T * S);
  assert.deepEqual(r, {
    holding: [
      { kind: 'backoff', fails: 2, retryInS: 110 },
      { kind: 'cap', cap: 2, used: 2, retryInS: 3000 },
      { kind: 'flapping', sensors: ['sensor-a', 'sensor-b'] },
      { kind: 'nudge', dueS: T + 40, inS: 40 },
    ],
    problems: [],
  });
  // A human edit to the policy lifts the backoff hold (the pulse retries at once).
  fs.writeFileSync(at('PLAYBOOK.md'), 'be kinder\n');
  assert.deepEqual(guards.guardReport(ctx, T * S).holding.map((h) => h.kind), ['cap', 'flapping', 'nudge']);
  assert.deepEqual(guards.guardReport(ctx, (T + 3600) * S, { policyHash: policy }).holding.map((h) => h.kind), ['flapping', 'nudge'], 'later: the windows are over (flapping lasts until the signal settles)');
  assert.deepEqual(guards.guardReport(ctx, (T + 3600) * S, { policyHash: policy }).holding[1], { kind: 'nudge', dueS: T + 40, inS: 0 });
});

test('an unreadable last hash is reported as holding every beat', (t) => {
  const { ctx, at } = setup(t);
  fs.mkdirSync(at('.last-tick-hash'));
  const r = guards.guardReport(ctx, T * S);
  assert.equal(r.holding.length, 1);
  assert.equal(r.holding[0].kind, 'unreadable');
  assert.equal(r.holding[0].file, at('.last-tick-hash'));
  assert.ok(r.problems[0].includes(at('.last-tick-hash')));
});

test('a nudge dated a day ahead (the clock moved back) is reported due now, not in a day', (t) => {
  const { ctx } = setup(t);
  guards.writeNextWake(ctx, T + 86400);
  assert.deepEqual(guards.guardReport(ctx, T * S).holding, [{ kind: 'nudge', dueS: T, inS: 0 }]);
});
