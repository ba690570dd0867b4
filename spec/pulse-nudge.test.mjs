// The decider's next_interval_s and `.next-wake.json`: a durable deadline that forces
// one re-decide, wakes a sleeping pulse when it is fresh, is consumed only by a beat that
// decided, and — when it is already past and a guard idles the beat — never makes the
// pulse spin.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { addStep, calls, isEvent, logEvents, scriptedPulseDir, startPulse, waitEvent } from './pulse-helpers.mjs';
import { tempDataDir, waitFor } from './helpers.mjs';

const wakeFile = (dir) => path.join(dir, '.next-wake.json');
let rev = 0;
// Each deadline a distinct record (as looop's own writer makes them): the pulse consumes one by its exact bytes.
const writeWake = (dir, dueS) => {
  rev += 1;
  fs.writeFileSync(`${wakeFile(dir)}.new`, `${JSON.stringify({ v: 1, due: dueS, rev })}\n`);
  fs.renameSync(`${wakeFile(dir)}.new`, wakeFile(dir));
};

test('pulse: next_interval_s is clamped, kept in .next-wake.json, and brings a forced re-decide over an unchanged world; the beat that decided consumes it', async (t) => {
  const dir = tempDataDir(t, 'nudge');
  const queue = scriptedPulseDir(dir, {
    '01.json': { action: 'noop', reason: 'look again soon', next_interval_s: 1 },
    '02.json': { action: 'noop', reason: 'looked again' },
  });
  const p = startPulse(t, dir);
  const cadence = await waitEvent(p, isEvent('cadence'), 'the cadence nudge');
  assert.equal(cadence.secs, 5, 'a nudge under 5 s is clamped to 5');
  const sleep = await waitEvent(p, isEvent('sleep'), 'the sleep after the nudge');
  assert.ok(sleep.secs <= 5, `sleeps at most the nudge, not the hour-long interval (slept ${sleep.secs}s)`);
  assert.ok(fs.existsSync(wakeFile(dir)), 'the nudge is durable');
  await waitEvent(p, isEvent('tick.forced'), 'the nudged beat to decide over the unchanged world');
  await waitEvent(p, isEvent('tick.decided'), 'the second decide', 2);
  assert.equal(calls(queue).length, 2);
  await waitFor(() => !fs.existsSync(wakeFile(dir)), { dir, what: 'the deadline to be consumed by the beat that decided' });
});

test('pulse: a fresh deadline written while it sleeps wakes it at once; a past one left by an idled beat never makes it spin', async (t) => {
  const dir = tempDataDir(t, 'nudge-fresh');
  const queue = scriptedPulseDir(dir, { '01.json': { action: 'noop', reason: 'first' }, '02.json': { action: 'noop', reason: 'woken by the deadline' } });
  const p = startPulse(t, dir);
  await waitEvent(p, isEvent('sleep'), 'the pulse to sleep (an hour) after its first beat');
  writeWake(dir, Math.floor(Date.now() / 1000));
  await waitEvent(p, isEvent('tick.forced'), 'the fresh deadline to bring a forced beat');
  await waitEvent(p, isEvent('tick.decided'), 'the forced decide', 2);
  await waitEvent(p, isEvent('sleep'), 'the sleep after the forced decide', 2);
  assert.equal(calls(queue).length, 2);

  // Now make the next decide fail, so the backoff idles the beat a deadline forces.
  addStep(queue, '03.none', '');
  writeWake(dir, Math.floor(Date.now() / 1000));
  await waitEvent(p, isEvent('tick.no_decision'), 'a failed decide (arms the backoff)');
  await waitEvent(p, isEvent('sleep'), 'the sleep after the failure', 3);
  writeWake(dir, Math.floor(Date.now() / 1000));
  await waitEvent(p, isEvent('tick.backoff'), 'the backoff to idle the forced beat');
  const after = await waitEvent(p, isEvent('sleep'), 'the sleep after the idled beat', 4);
  assert.ok(fs.existsSync(wakeFile(dir)), 'an idled beat does not consume the deadline');
  assert.ok(after.secs >= 60, `a past deadline must not shorten the sleep (slept ${after.secs}s)`);
  assert.equal(logEvents(p).filter(isEvent('tick.backoff')).length, 1, 'no spin: one idled beat, then sleep');
});
