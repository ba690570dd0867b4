// The lease logic with an injected liveness oracle: refusals by a live holder,
// fail-closed behaviour when the fleet cannot be read, the reaper, and keyed
// compare-and-swap (a reap judged on old bytes never lands on a fresh lease).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { claimNotices, listClaims, paths, reapIfUnchanged, reapStaleClaims, runClaim, runUnclaim } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

function ctxFor(dir) {
  const env = { LOOOP_DATA_DIR: dir };
  return { paths: paths.resolvePaths(env, dir), env, now: () => new Date(), warn: () => {}, bin: 'looop' };
}

/** Holders in `alive` are live sessions; everyone else is dead. */
const livenessOf = (...alive) => ({ isAlive: (id) => alive.includes(id), liveIds: () => new Set(alive) });
const broken = {
  isAlive: () => {
    throw new Error('sessions/ is unreadable');
  },
  liveIds: () => {
    throw new Error('sessions/ is unreadable');
  },
};
const fileOf = (dir, name) => path.join(dir, 'claims', `${name}.json`);
const leaseOf = (dir, name) => JSON.parse(fs.readFileSync(fileOf(dir, name), 'utf8'));

test('a claim held by a live session is refused, and unclaim by another session too; the file is untouched', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const live = livenessOf('w1');
  assert.equal((await runClaim(ctx, { name: 'repo-x', session: 'w1' }, live)).kind, 'won');
  const bytes = fs.readFileSync(fileOf(dir, 'repo-x'));
  assert.deepEqual(await runClaim(ctx, { name: 'repo-x', session: 'w2' }, live), { kind: 'held', name: 'repo-x', holder: 'w1' });
  assert.deepEqual(await runUnclaim(ctx, { name: 'repo-x', session: 'w2' }, live), { kind: 'refused', name: 'repo-x', holder: 'w1' });
  assert.deepEqual(await runUnclaim(ctx, { name: 'repo-x' }, live), { kind: 'refused', name: 'repo-x', holder: 'w1' });
  assert.deepEqual(fs.readFileSync(fileOf(dir, 'repo-x')), bytes);
  // The holder itself re-claims and releases.
  assert.equal((await runClaim(ctx, { name: 'repo-x', session: 'w1' }, live)).kind, 'already-owned');
  assert.equal((await runUnclaim(ctx, { name: 'repo-x', session: 'w1' }, live)).kind, 'released');
});

test('claim verbs fail closed when the fleet cannot be read: the holder counts as alive', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  assert.equal((await runClaim(ctx, { name: 'repo-x', session: 'w1' }, livenessOf())).kind, 'won');
  const bytes = fs.readFileSync(fileOf(dir, 'repo-x'));
  // Held, and said to be held for want of a verdict — never called live.
  const unknown = { name: 'repo-x', holder: 'w1', problem: 'sessions/ is unreadable', record: null };
  assert.deepEqual(await runClaim(ctx, { name: 'repo-x', session: 'thief' }, broken), { kind: 'unverifiable', ...unknown });
  assert.deepEqual(await runUnclaim(ctx, { name: 'repo-x', session: 'thief' }, broken), { kind: 'unverifiable', ...unknown });
  const report = await reapStaleClaims(ctx, broken);
  assert.match(report.skipped, /cannot enumerate the fleet \(sessions\/ is unreadable\)/);
  assert.deepEqual(report.reaped, []);
  assert.deepEqual(fs.readFileSync(fileOf(dir, 'repo-x')), bytes);
  // The owner itself needs no liveness verdict to refresh or release.
  assert.equal((await runClaim(ctx, { name: 'repo-x', session: 'w1' }, broken)).kind, 'already-owned');
  assert.equal((await runUnclaim(ctx, { name: 'repo-x', session: 'w1' }, broken)).kind, 'released');
});

test('a liveness check that throws for one holder is treated as alive (fail-closed per holder)', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  await runClaim(ctx, { name: 'x', session: 'w1' }, livenessOf());
  const flaky = { isAlive: () => { throw new Error('sessions/w1/session.json is corrupt'); }, liveIds: () => new Set() };
  assert.equal((await runClaim(ctx, { name: 'x', session: 'w2' }, flaky)).kind, 'unverifiable');
  // The reaper saw w1 missing from the live set, but the re-check failed: leave it.
  const report = await reapStaleClaims(ctx, flaky);
  assert.equal(report.skipped, null);
  assert.deepEqual(report.reaped, []);
  assert.equal(leaseOf(dir, 'x').state, 'held');
});

test('the reaper reaps held claims of dead holders only, and reports unreadable files without touching them', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const all = livenessOf('live', 'dead', 'gone');
  await runClaim(ctx, { name: 'a-live', session: 'live' }, all);
  await runClaim(ctx, { name: 'b-dead', session: 'dead' }, all);
  await runClaim(ctx, { name: 'c-released', session: 'gone' }, all);
  await runUnclaim(ctx, { name: 'c-released', session: 'gone' }, all);
  fs.writeFileSync(fileOf(dir, 'd-corrupt'), '{ not json');
  const before = {
    a: fs.readFileSync(fileOf(dir, 'a-live')),
    c: fs.readFileSync(fileOf(dir, 'c-released')),
    d: fs.readFileSync(fileOf(dir, 'd-corrupt')),
  };

  const report = await reapStaleClaims(ctx, livenessOf('live'));
  assert.equal(report.skipped, null);
  assert.deepEqual(report.reaped.map((r) => [r.name, r.holder]), [['b-dead', 'dead']]);
  assert.deepEqual(report.invalid.map((i) => i.name), ['d-corrupt']);
  assert.match(report.invalid[0].problem, /not valid JSON/);
  const b = leaseOf(dir, 'b-dead');
  assert.equal(b.state, 'reaped');
  assert.equal(b.context.holder, 'dead', 'a reaped claim still says who held it');
  assert.equal(typeof b.context.reapedAt, 'string');
  assert.deepEqual(fs.readFileSync(fileOf(dir, 'a-live')), before.a);
  assert.deepEqual(fs.readFileSync(fileOf(dir, 'c-released')), before.c);
  assert.deepEqual(fs.readFileSync(fileOf(dir, 'd-corrupt')), before.d);
  // Every held claim left is held by a live session, and a second sweep does nothing.
  const held = listClaims(ctx).claims.filter((c) => c.state === 'held');
  assert.deepEqual(held.map((c) => c.context.holder), ['live']);
  assert.deepEqual((await reapStaleClaims(ctx, livenessOf('live'))).reaped, []);
  // A reaped claim can be taken again.
  const again = await runClaim(ctx, { name: 'b-dead', session: 'live' }, livenessOf('live'));
  assert.equal(again.kind, 'won');
  assert.equal(leaseOf(dir, 'b-dead').context.previous.ended, 'reaped');
});

test('the reaper re-checks a holder missing from the live snapshot before reaping', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  await runClaim(ctx, { name: 'x', session: 'w1' }, livenessOf());
  // w1 started after the snapshot was taken: not in liveIds, but alive when re-checked.
  const late = { isAlive: (id) => id === 'w1', liveIds: () => new Set() };
  assert.deepEqual((await reapStaleClaims(ctx, late)).reaped, []);
  assert.equal(leaseOf(dir, 'x').state, 'held');
});

test('a re-acquired lease has fresh bytes, so a reap keyed on the old lease loses', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const dead = livenessOf();
  await runClaim(ctx, { name: 'x', session: 'w1' }, dead);
  const observed = leaseOf(dir, 'x').context; // a reaper judged this lease stale…
  // …then the same id re-claims (a restarted worker): AlreadyOwned rewrites the lease.
  const again = await runClaim(ctx, { name: 'x', session: 'w1' }, dead);
  assert.equal(again.kind, 'already-owned');
  assert.notEqual(again.nonce, observed.nonce);
  const fresh = fs.readFileSync(fileOf(dir, 'x'));
  assert.equal(await reapIfUnchanged(ctx, 'x', observed, dead), false, 'the stale-keyed reap must lose');
  assert.deepEqual(fs.readFileSync(fileOf(dir, 'x')), fresh, 'the fresh lease is untouched');
  // Keyed on what is there now, the same reap goes through.
  assert.equal(await reapIfUnchanged(ctx, 'x', leaseOf(dir, 'x').context, dead), true);
  assert.equal(leaseOf(dir, 'x').state, 'reaped');
});

test('a reclaim keyed on stale bytes never steals a lease that changed hands meanwhile', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  await runClaim(ctx, { name: 'x', session: 'ghost' }, livenessOf());
  const observed = leaseOf(dir, 'x').context;
  // Someone else reclaims the dead holder's lease first: a fresh lease by a live session.
  assert.equal((await runClaim(ctx, { name: 'x', session: 'w2' }, livenessOf('w2'))).kind, 'won');
  const fresh = fs.readFileSync(fileOf(dir, 'x'));
  assert.equal(await reapIfUnchanged(ctx, 'x', observed, livenessOf()), false);
  assert.deepEqual(fs.readFileSync(fileOf(dir, 'x')), fresh);
  assert.equal(leaseOf(dir, 'x').context.holder, 'w2');
});

test('concurrent claimers in one process: exactly one wins, the rest see it held', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const ids = Array.from({ length: 12 }, (_, i) => `w${i}`);
  const live = livenessOf(...ids);
  for (let round = 0; round < 10; round++) {
    const results = await Promise.all(ids.map((session) => runClaim(ctx, { name: 'hot', session }, live)));
    const winners = results.filter((r) => r.kind === 'won');
    assert.equal(winners.length, 1, `round ${round}: ${JSON.stringify(results.map((r) => r.kind))}`);
    assert.ok(results.every((r) => r.kind === 'won' || (r.kind === 'held' && r.holder === winners[0].holder)));
    assert.equal(leaseOf(dir, 'hot').context.holder, winners[0].holder);
    assert.equal((await runUnclaim(ctx, { name: 'hot', session: winners[0].holder }, live)).kind, 'released');
  }
});

test('a stale gate left by a crashed claimer does not block the next claim', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  fs.mkdirSync(path.join(dir, 'claims', '.gates'), { recursive: true });
  // A gate naming a process that is not running (pid 2^22+1 is above Linux's pid_max default).
  fs.symlinkSync('4194305:1', path.join(dir, 'claims', '.gates', 'x.json'));
  const r = await runClaim(ctx, { name: 'x', session: 'w1' }, livenessOf());
  assert.equal(r.kind, 'won');
  assert.throws(() => fs.lstatSync(path.join(dir, 'claims', '.gates', 'x.json')), { code: 'ENOENT' }, 'the stale gate was cleared');
});

test('a lease held by a session that is not live is free to take, and both ends hear of it', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const live = livenessOf('w2');
  // The claimer learns its lease is unprotected, whether it won it or already held it.
  const ghost = await runClaim(ctx, { name: 'foo', session: 'ghost' }, live);
  assert.deepEqual([ghost.kind, ghost.standing], ['won', { kind: 'not-live' }]);
  assert.deepEqual(claimNotices('claim', ghost), ["looop: claim foo: session 'ghost' is not live, so this lease is unprotected: anyone may take it"]);
  assert.deepEqual(claimNotices('claim', await runClaim(ctx, { name: 'foo', session: 'ghost' }, live)), ["looop: claim foo: session 'ghost' is not live, so this lease is unprotected: anyone may take it"]);
  // The taker, a live session, learns whose stale lease it took (and nothing else).
  const taker = await runClaim(ctx, { name: 'foo', session: 'w2' }, live);
  assert.deepEqual([taker.kind, taker.reclaimedFrom, taker.standing], ['won', 'ghost', { kind: 'live' }]);
  assert.deepEqual(claimNotices('claim', taker), ["looop: claim foo: took over a stale lease from session 'ghost', which is not live"]);
  assert.deepEqual(claimNotices('claim', await runClaim(ctx, { name: 'foo', session: 'w2' }, live)), [], 'a live holder refreshing hears nothing');
});
