// The durable cadence nudge (reference §8.2 b–h, §8.18, §11.21): `.next-wake.json`
// read as a pure function of the file, consumed only by a compare-and-delete on the
// exact bytes, clamped, and the sleep rules that keep it from spinning or oversleeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { guards, paths, revTokens } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

function setup(t) {
  const dir = tempDataDir(t);
  const ctx = { paths: paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env: {}, now: () => new Date(0), warn: () => {}, bin: 'looop' };
  return { dir, ctx, file: path.join(dir, '.next-wake.json') };
}

test('a deadline is durable and due-ness is a pure read: reading twice never removes it; consuming its bytes does', (t) => {
  const { ctx, file } = setup(t);
  assert.deepEqual(guards.readNextWake(ctx), { kind: 'none' });
  assert.equal(guards.writeNextWake(ctx, 1300), null);
  const future = guards.readNextWake(ctx);
  assert.equal(future.kind, 'ok');
  assert.equal(future.dueS, 1300);
  assert.equal(guards.wakeIsDue(future, 1000, 300), false, 'future: not due');
  assert.equal(guards.wakeIsDue(future, 1300, 300), true, 'at the deadline: due');
  const again = guards.readNextWake(ctx);
  assert.equal(guards.wakeIsDue(again, 2000, 300), true, 'past: due');
  assert.ok(fs.existsSync(file), 'reading does not consume');
  assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')).v, 1);
  assert.deepEqual(guards.consumeNextWake(ctx, again.raw), { kind: 'consumed' });
  assert.equal(fs.existsSync(file), false);
  assert.deepEqual(guards.consumeNextWake(ctx, again.raw), { kind: 'kept' }, 'consuming again is a no-op');
});

test('consuming is a compare-and-delete: stale bytes leave a newer deadline intact', (t) => {
  const { ctx } = setup(t);
  guards.writeNextWake(ctx, 100);
  const seen = guards.readNextWake(ctx);
  guards.writeNextWake(ctx, 200); // written during the beat
  assert.deepEqual(guards.consumeNextWake(ctx, seen.raw), { kind: 'kept' });
  const now = guards.readNextWake(ctx);
  assert.equal(now.dueS, 200, 'the fresh deadline survives');
  guards.writeNextWake(ctx, 200);
  assert.notDeepEqual(guards.readNextWake(ctx).raw, now.raw, 'a rewrite of the same deadline is new bytes (its rev moves)');
  assert.deepEqual(guards.consumeNextWake(ctx, now.raw), { kind: 'kept' });
  assert.deepEqual(guards.consumeNextWake(ctx, guards.readNextWake(ctx).raw), { kind: 'consumed' });
  assert.deepEqual(guards.readNextWake(ctx), { kind: 'none' });
});

test('a live writer holding the write token makes the consume degrade (left in place), never delete blind', (t) => {
  const { ctx, file } = setup(t);
  guards.writeNextWake(ctx, 100);
  const seen = guards.readNextWake(ctx);
  const rev = revTokens.parseRev(seen.raw);
  const token = revTokens.tokenPath(file, rev + 1);
  assert.equal(revTokens.takeToken(token), true); // held by this (live) process
  t.after(() => fs.rmSync(token, { force: true }));
  const r = guards.consumeNextWake(ctx, seen.raw);
  assert.equal(r.kind, 'degraded');
  assert.ok(r.problem.includes(file), r.problem);
  assert.ok(fs.existsSync(file), 'left for the next beat');
  fs.rmSync(token);
  assert.deepEqual(guards.consumeNextWake(ctx, seen.raw), { kind: 'consumed' }, 'released: it goes');
});

test('a writer replaces a corrupt record; a directory in the way is a problem line, not a throw', (t) => {
  const { ctx, file } = setup(t);
  fs.writeFileSync(file, '{"v":1,"due":"soon"}');
  const bad = guards.readNextWake(ctx);
  assert.equal(bad.kind, 'bad');
  assert.equal(guards.wakeIsDue(bad, 10_000, 300), false, 'a corrupt deadline never forces a decide');
  assert.equal(guards.writeNextWake(ctx, 50), null);
  assert.equal(guards.readNextWake(ctx).dueS, 50);
  fs.rmSync(file);
  fs.mkdirSync(file);
  const p = guards.writeNextWake(ctx, 60);
  assert.ok(p.includes(file), p);
  assert.equal(guards.consumeNextWake(ctx, Buffer.from('x')).kind, 'kept');
});

test('clampNudge bounds the decider’s cadence to [5, max(cap, 5)]', () => {
  const table = [[3600, 300, 300], [100000, 300, 300], [0, 300, 5], [1, 300, 5], [120, 300, 120], [10, 2, 5], [7.9, 300, 7], [-4, 300, 5]];
  for (const [req, cap, want] of table) assert.equal(guards.clampNudge(req, cap), want, `${req} cap ${cap}`);
});

test('the sleep recheck shortens only for a fresh deadline and never extends', () => {
  const now = 1_000_000;
  const until = now + 60_000;
  const r = (startDueS, currentDueS, extra = {}) => guards.recheckUntil({ untilMs: until, startDueS, currentDueS, nowMs: now, ...extra });
  assert.equal(r(null, null), until, 'no deadline');
  assert.equal(r(900, 900), until, 'unchanged past deadline');
  assert.equal(r(null, 1030), 1_030_000, 'fresh future deadline shortens to it');
  assert.equal(r(null, 500), now, 'fresh past deadline: now');
  assert.equal(r(1030, 5000), until, 'a later deadline never extends');
  assert.equal(r(1030, null), until, 'a vanished deadline keeps until');
  assert.equal(r(null, null, { maxAheadMs: 60_000 }), until);
  assert.equal(guards.recheckUntil({ untilMs: now + 86_400_000, startDueS: null, currentDueS: null, nowMs: now, maxAheadMs: 60_000 }), now + 60_000, 'the clock moved back: never sleep past the longest sleep');
});

test('a past-due deadline never shortens the sleep; a future one caps it', () => {
  assert.equal(guards.sleepWantS(60, 1030, 1000), 30);
  assert.equal(guards.sleepWantS(20, 1030, 1000), 20, 'never extends a shorter sleep');
  assert.equal(guards.sleepWantS(60, 1000, 1000), 60, 'at now: no clamp');
  assert.equal(guards.sleepWantS(60, 900, 1000), 60, 'past: no clamp (no 1 Hz spin)');
  assert.equal(guards.sleepWantS(60, null, 1000), 60);
});

test('clock jumps: a deadline a day ahead (clock moved back) is due now, one a day behind is due once', (t) => {
  const { ctx } = setup(t);
  guards.writeNextWake(ctx, 100_000 + 86_400);
  const w = guards.readNextWake(ctx);
  assert.equal(guards.wakeIsDue(w, 100_000, 300), true, 'not silenced for a day');
  assert.equal(guards.effectiveDueS(w.dueS, 100_000, 300), 100_000);
  assert.equal(guards.sleepWantS(60, guards.effectiveDueS(w.dueS, 100_000, 300), 100_000), 60, 'and it does not make the loop spin');
  assert.equal(guards.effectiveDueS(100_300, 100_000, 300), 100_300, 'a real nudge within the cap is kept');
  assert.equal(guards.wakeIsDue(w, 100_000 + 2 * 86_400, 300), true, 'jumped forward: due');
  assert.deepEqual(guards.consumeNextWake(ctx, w.raw), { kind: 'consumed' }, 'consumed after that one decide');
});

test('a hostile rev in the file (huge, negative) neither hangs nor misleads the writer', (t) => {
  const { ctx, file } = setup(t);
  for (const rev of [1e300, -7, 2 ** 53]) {
    fs.writeFileSync(file, JSON.stringify({ v: 1, due: 10, rev }));
    const seen = guards.readNextWake(ctx);
    assert.equal(seen.dueS, 10);
    assert.equal(guards.writeNextWake(ctx, 20), null);
    assert.equal(guards.readNextWake(ctx).dueS, 20);
    assert.deepEqual(guards.consumeNextWake(ctx, seen.raw), { kind: 'kept' });
  }
  assert.deepEqual(fs.readdirSync(path.dirname(file)).filter((n) => n.includes('.rev')), [], 'no write tokens left behind');
});
