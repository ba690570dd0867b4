// Claims against real sessions started with `worker start`: the worker claims under
// its own $LOOOP_SESSION_ID; while it lives nobody else can take or release the claim;
// once it is killed (or its host is SIGKILLed) the claim is reclaimed and reaped.
// These need the session engine (worker start / worker kill).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fleetLiveness, paths, reapStaleClaims } from '../dist/lib.mjs';
import { race } from '../fixtures/claims/race.mjs';
import { envFor, looop, patience, readJson, tempDataDir, waitFor } from './helpers.mjs';

const ENV = { LOOOP_MAX_WORKERS: '16' };

function ctxFor(dir) {
  const env = { LOOOP_DATA_DIR: dir };
  return { paths: paths.resolvePaths(env, dir), env, now: () => new Date(), warn: () => {}, bin: 'looop' };
}

const leaseFile = (dir, name) => path.join(dir, 'claims', `${name}.json`);
const leaseOf = (dir, name) => (fs.existsSync(leaseFile(dir, name)) ? readJson(leaseFile(dir, name)) : null);

/** Starts a worker running `script` (a shell line); kills it at the end of the test. */
function startWorker(t, dir, id, script) {
  // The prompt file must be part of the command; `test -f` uses it harmlessly.
  const r = looop(dir, ['worker', 'start', id, `claims test worker ${id}`, '--command', `test -f {{prompt_file}} && ${script}`], { env: ENV });
  assert.equal(r.code, 0, `worker start ${id} needs the session engine: exit ${r.code}, stderr: ${r.stderr}`);
  t.after(() => looop(dir, ['worker', 'kill', id], { env: ENV }));
}

async function waitHeldBy(dir, name, holder) {
  await waitFor(() => leaseOf(dir, name)?.state === 'held' && leaseOf(dir, name)?.context.holder === holder, {
    dir: path.join(dir, 'claims'),
    ms: 15_000,
    what: `claims/${name}.json held by ${holder}`,
    describe: () => JSON.stringify(leaseOf(dir, name)),
  });
}

async function waitAlive(dir, id) {
  const live = fleetLiveness(ctxFor(dir));
  await waitFor(() => live.isAlive(id), { dir: path.join(dir, 'sessions'), ms: 15_000, what: `session ${id} alive` });
}

test('a claim held by a live worker is refused to others; after `worker kill` it is reclaimed and the reaper reaps the rest', async (t) => {
  const dir = tempDataDir(t);
  startWorker(t, dir, 'holder1', '"$LOOOP_BIN" claim repo-live && "$LOOOP_BIN" claim repo-reap && exec sleep 600');
  await waitHeldBy(dir, 'repo-reap', 'holder1');
  assert.equal(leaseOf(dir, 'repo-live').context.holder, 'holder1', 'the worker claimed under its $LOOOP_SESSION_ID');

  const before = fs.readFileSync(leaseFile(dir, 'repo-live'));
  const thief = looop(dir, ['claim', 'repo-live', '--session', 'thief']);
  assert.equal(thief.code, 1);
  assert.equal(thief.stderr, "looop: claim repo-live: held by live session 'holder1'\n");
  assert.equal(thief.stdout, '');
  const un = looop(dir, ['unclaim', 'repo-live', '--session', 'thief']);
  assert.equal(un.code, 1);
  assert.equal(un.stderr, "looop: unclaim repo-live: held by another live session 'holder1'\n");
  assert.deepEqual(fs.readFileSync(leaseFile(dir, 'repo-live')), before, 'refusals write nothing');
  const sweep = await reapStaleClaims(ctxFor(dir));
  assert.deepEqual(sweep.reaped, [], 'a live holder is never reaped');

  const kill = looop(dir, ['worker', 'kill', 'holder1'], { env: ENV });
  assert.equal(kill.code, 0, kill.stderr);

  const taken = looop(dir, ['claim', 'repo-live', '--session', 'thief']);
  assert.equal(taken.code, 0, taken.stderr);
  assert.equal(taken.stdout, 'claimed repo-live\n');
  const lease = leaseOf(dir, 'repo-live');
  assert.equal(lease.context.holder, 'thief');
  assert.deepEqual([lease.context.previous.holder, lease.context.previous.ended], ['holder1', 'reaped']);

  // The killed worker's other claim is reaped; so is the thief's, since 'thief' is no session at all.
  const report = await reapStaleClaims(ctxFor(dir));
  assert.equal(report.skipped, null);
  assert.deepEqual(report.reaped.map((r) => [r.name, r.holder]), [['repo-live', 'thief'], ['repo-reap', 'holder1']]);
  assert.equal(leaseOf(dir, 'repo-reap').state, 'reaped');
  assert.equal(leaseOf(dir, 'repo-live').state, 'reaped');
});

test('the claim of a worker whose host was SIGKILLed is reclaimed (the session is dead, not running)', async (t) => {
  const dir = tempDataDir(t);
  startWorker(t, dir, 'crash1', '"$LOOOP_BIN" claim repo-crash && exec sleep 600');
  await waitHeldBy(dir, 'repo-crash', 'crash1');
  const session = readJson(path.join(dir, 'sessions', 'crash1', 'session.json'));
  const { host, child } = session.context;
  assert.ok(host && child, `session.json names its host and child: ${JSON.stringify(session.context)}`);
  t.after(() => {
    try {
      process.kill(-child.pgid, 'SIGKILL');
    } catch {}
  });
  assert.equal(looop(dir, ['claim', 'repo-crash', '--session', 'other']).code, 1, 'held while the host lives');
  process.kill(host.pid, 'SIGKILL');
  await waitFor(() => !fs.existsSync(`/proc/${host.pid}`) || fs.readFileSync(`/proc/${host.pid}/stat`, 'utf8').includes(') Z '), {
    ms: 10_000,
    what: `host ${host.pid} to die`,
  });
  const r = looop(dir, ['claim', 'repo-crash', '--session', 'other']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(leaseOf(dir, 'repo-crash').context.holder, 'other');
});

test('racers claiming as real live sessions: exactly one winner per round, losers see the live winner', async (t) => {
  const dir = tempDataDir(t);
  const ids = ['racer-a', 'racer-b', 'racer-c', 'racer-d'];
  for (const id of ids) startWorker(t, dir, id, 'exec sleep 600');
  for (const id of ids) await waitAlive(dir, id);
  const r = await race({ dataDir: dir, name: 'shared', racers: ids.length, rounds: 40, mode: 'fleet', sessionIds: ids, env: envFor(dir), lineMs: patience() });
  assert.deepEqual(r.violations, []);
  assert.equal(r.rounds, 40);
});
