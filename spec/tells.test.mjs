// Steering: tells reach a live worker exactly once, ride on its next answer, and
// never leak into a later generation of the same id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { exitWithin, looop, looopBg, tempDataDir, waitForFile } from './helpers.mjs';

function liveWorker(t, dir, id) {
  const r = looop(dir, ['worker', 'start', id, 'idle worker', '--command', 'sleep 120 # {{prompt_file}}']);
  assert.equal(r.code, 0, r.stderr);
  t.after(() => looop(dir, ['kill', id]));
}

test('tells reach a live worker in order, exactly once', (t) => {
  const dir = tempDataDir(t);
  liveWorker(t, dir, 'w1');
  assert.equal(looop(dir, ['tell', 'w1', 'focus', 'on', 'the', 'tests']).code, 0);
  const second = looop(dir, ['tell', 'w1', '--force-push', 'is', 'forbidden']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /queued for w1: --force-push is forbidden/);
  const told = looop(dir, ['told', 'w1']);
  assert.equal(told.code, 0);
  assert.equal(told.stdout, '• focus on the tests\n• --force-push is forbidden\n');
  assert.equal(looop(dir, ['told', 'w1']).stdout, '', 'a tell is delivered once');
  assert.equal(looop(dir, ['told'], { env: { LOOOP_SESSION_ID: 'w1' } }).stdout, '');
  assert.equal(fs.readdirSync(path.join(dir, 'tells', 'consumed')).length, 2, 'delivered tells are kept for audit');
});

test('tell refuses a worker that is not live, an empty message, and a bad id', (t) => {
  const dir = tempDataDir(t);
  const ghost = looop(dir, ['tell', 'ghost', 'hello']);
  assert.equal(ghost.code, 1);
  assert.match(ghost.stderr, /tell ghost: not a live worker/);
  liveWorker(t, dir, 'w1');
  const empty = looop(dir, ['tell', 'w1', '  ']);
  assert.equal(empty.code, 1);
  assert.match(empty.stderr, /empty message/);
  const bad = looop(dir, ['tell', '../w1', 'x']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /invalid worker id/);
  const told = looop(dir, ['told'], {});
  assert.equal(told.code, 1);
  assert.match(told.stderr, /LOOOP_SESSION_ID/);
});

test('concurrent drains deliver each tell exactly once', async (t) => {
  const dir = tempDataDir(t);
  liveWorker(t, dir, 'w1');
  for (let i = 0; i < 12; i++) assert.equal(looop(dir, ['tell', 'w1', `msg-${i}`]).code, 0);
  const drains = Array.from({ length: 4 }, () => looopBg(t, dir, ['told', 'w1']));
  await Promise.all(drains.map((d) => exitWithin(d, 20_000, 'a told')));
  const lines = drains.flatMap((d) => d.stdout.split('\n').filter(Boolean)).sort();
  assert.deepEqual(lines, Array.from({ length: 12 }, (_, i) => `• msg-${i}`).sort());
});

test('pending tells are prepended to the answer a blocked ask receives', async (t) => {
  const dir = tempDataDir(t);
  liveWorker(t, dir, 'w1');
  const ask = looopBg(t, dir, ['ask', '--prompt', 'which branch?'], { env: { LOOOP_SESSION_ID: 'w1' } });
  await waitForFile(path.join(dir, 'asks', 'w1-1.json'));
  assert.equal(looop(dir, ['tell', 'w1', 'skip the docs']).code, 0);
  assert.equal(looop(dir, ['tell', 'w1', 'open a draft PR']).code, 0);
  assert.equal(looop(dir, ['answer', 'w1-1', 'main']).code, 0);
  await exitWithin(ask, 10_000);
  assert.equal(
    ask.stdout,
    '[steering from the human while you waited — obey alongside the answer]\n• skip the docs\n• open a draft PR\n---\nmain\n',
  );
  assert.equal(looop(dir, ['told', 'w1']).stdout, '', 'tells delivered with the answer are consumed');
});

test('tells for an id are discarded when it is killed, and never reach a restarted worker', (t) => {
  const dir = tempDataDir(t);
  liveWorker(t, dir, 'w1');
  assert.equal(looop(dir, ['tell', 'w1', 'old generation']).code, 0);
  assert.equal(looop(dir, ['kill', 'w1']).code, 0);
  const left = fs.readdirSync(path.join(dir, 'tells')).filter((n) => n.endsWith('.json'));
  assert.deepEqual(left, [], 'kill discards pending tells');
  liveWorker(t, dir, 'w1');
  assert.equal(looop(dir, ['told', 'w1']).stdout, '');
});

test('tells queued for a dead generation are discarded when the id is restarted', (t) => {
  const dir = tempDataDir(t);
  liveWorker(t, dir, 'w2');
  assert.equal(looop(dir, ['tell', 'w2', 'stale']).code, 0);
  // Simulate a tell left behind by a crash: the worker dies without `kill` discarding it.
  const tellFile = path.join(dir, 'tells', 'w2-1.json');
  const saved = fs.readFileSync(tellFile);
  assert.equal(looop(dir, ['kill', 'w2']).code, 0);
  fs.writeFileSync(tellFile, saved);
  liveWorker(t, dir, 'w2');
  assert.equal(fs.existsSync(tellFile), false, 'restart discards the previous generation’s tells');
  assert.equal(looop(dir, ['told', 'w2']).stdout, '');
});
