// 20 long-lived processes race for one claim over 200 rounds. Each round every racer
// is told "go" at once over its stdin and answers one line; exactly one must win, every
// loser must name the winner, and the claim file must hold the winner's revision. The
// winner releases before the next round. Holders are live racer processes (liveness by
// pid + start time), so the race is decided by the test-and-set alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { race } from '../fixtures/claims/race.mjs';
import { envFor, patience, tempDataDir } from './helpers.mjs';

test('20 processes racing for one claim over 200 rounds: exactly one winner every round', async (t) => {
  const dir = tempDataDir(t);
  const r = await race({ dataDir: dir, name: 'hot', racers: 20, rounds: 200, mode: 'proc', env: envFor(dir), lineMs: patience() });
  assert.deepEqual(r.violations, []);
  assert.equal(r.rounds, 200);
});
