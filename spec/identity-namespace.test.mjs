// Processes in another PID namespace (a container bind-mounting the data dir) are
// judged by their lease in the data dir, never by this machine's /proc: a blocked
// `ask` under `unshare --pid` is pending, answerable and answered; SIGKILLed, it is
// stranded once its lease expires. Session hosts, the pulse lock, write tokens and
// temp files follow the same rule (those are built by hand for a foreign identity).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLAIM_ENTITY, SESSION_ENTITY, entityStore, fsio, lease, paths, processIdentity, pulseLock, sessionFiles } from '../dist/lib.mjs';
import { BIN, exitWithin, looop, readJson, spawnBg, tempDataDir, waitFor, waitForFile } from './helpers.mjs';

const probe = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'true'], { encoding: 'utf8' });
const NO_UNSHARE = probe.status === 0 ? false : `unshare --pid is not available here (${probe.error?.message ?? probe.stderr.trim()})`;

const OUR_NS = Number(/\d+/.exec(fs.readlinkSync('/proc/self/ns/pid'))[0]);
const BOOT = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
/** A PID namespace that is not ours, on this kernel: what a container's identity looks like from here. */
const FAR_NS = OUR_NS + 7919;
const T0 = '2026-01-01T00:00:00.000Z';
const FIVE_MIN_AGO = () => new Date(Date.now() - 5 * 60_000);

function ctxFor(dir) {
  const env = { LOOOP_DATA_DIR: dir };
  return { paths: paths.resolvePaths(env, dir), env, now: () => new Date(), warn: () => {}, bin: BIN };
}

const leasesDir = (dir) => path.join(dir, '.lock', 'leases');
const leaseNames = (dir) => (fs.existsSync(leasesDir(dir)) ? fs.readdirSync(leasesDir(dir)) : []);
/** The documented layout: .lock/leases/<boot id>.<pid namespace inode>.<pid>.<start ticks>. */
const leasePath = (dir, id) => path.join(leasesDir(dir), `${id.boot}.${id.pidns}.${id.pid}.${id.start}`);

function writeLease(dir, id) {
  fs.mkdirSync(leasesDir(dir), { recursive: true });
  fs.writeFileSync(leasePath(dir, id), `${JSON.stringify({ v: 1, ...id, since: T0 })}\n`);
}

/** `looop ask` in a new PID namespace with its own /proc; SIGKILLing the recorded unshare pid kills it (--kill-child). */
function foreignAsk(t, dir, env = {}) {
  const args = ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, BIN, 'ask', 'far', '--prompt', 'are you there?'];
  return spawnBg(t, dir, 'unshare', args, { env });
}

function stateJson(dir, env = {}) {
  const r = looop(dir, ['state', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('an ask blocked in another PID namespace is pending, answerable, and gets its answer', { skip: NO_UNSHARE }, async (t) => {
  const dir = tempDataDir(t);
  const asker = foreignAsk(t, dir);
  await waitForFile(path.join(dir, 'asks', 'far-1.json'), 15_000);
  const asks = looop(dir, ['asks', '--json']);
  assert.deepEqual(JSON.parse(asks.stdout).map((a) => a.id), ['far-1'], '`asks` lists the foreign ask');
  const state = stateJson(dir);
  assert.deepEqual(state.stranded_asks, [], '`state` does not call it stranded');
  assert.deepEqual(state.asks.map((a) => a.id), ['far-1']);

  const recorded = readJson(path.join(dir, 'asks', 'far-1.json')).context.asker;
  assert.equal(recorded.boot, BOOT);
  assert.notEqual(recorded.pidns, OUR_NS, 'the asker recorded its own PID namespace');
  assert.ok(fs.existsSync(leasePath(dir, recorded)), `its lease exists while it waits; leases: ${leaseNames(dir)}`);

  const ans = looop(dir, ['answer', 'far-1', 'yes, go ahead']);
  assert.equal(ans.code, 0, ans.stderr);
  assert.doesNotMatch(ans.stderr, /asker is gone|stranded/);
  assert.deepEqual(await exitWithin(asker, 15_000, 'the foreign asker to print its answer'), { code: 0, signal: null });
  assert.equal(asker.stdout, 'yes, go ahead\n');
  // Once delivered, the asker archives the record out of the directory readers scan.
  assert.equal(readJson(path.join(dir, 'asks', 'archive', 'far', 'far-1.json')).state, 'delivered');
  assert.deepEqual(leaseNames(dir), [], 'a normal exit removes the lease');
});

test('a SIGKILLed asker in another PID namespace is stranded once its lease expires', { skip: NO_UNSHARE }, async (t) => {
  const dir = tempDataDir(t);
  // Test-only TTL: the owner renews every 250 ms; judges given the same TTL see it expire a second after death.
  const SHORT = { LOOOP_LEASE_TTL_MS: '1000' };
  const asker = foreignAsk(t, dir, SHORT);
  await waitForFile(path.join(dir, 'asks', 'far-1.json'), 15_000);
  assert.deepEqual(stateJson(dir).asks.map((a) => a.id), ['far-1'], 'alive while its lease is fresh');
  const file = leasePath(dir, readJson(path.join(dir, 'asks', 'far-1.json')).context.asker);
  const first = fs.statSync(file).mtimeMs;
  await waitFor(() => fs.statSync(file).mtimeMs > first, { ms: 10_000, what: 'the asker to renew its lease', describe: () => `mtime still ${first}` });

  process.kill(asker.child.pid, 'SIGKILL');
  await exitWithin(asker, 10_000, 'unshare to die');
  let seen;
  await waitFor(
    () => {
      seen = stateJson(dir, SHORT);
      return seen.stranded_asks.some((a) => a.id === 'far-1');
    },
    { ms: 20_000, recheckMs: 250, what: 'far-1 listed under stranded asks once the lease expired', describe: () => JSON.stringify(seen) },
  );
  const ans = looop(dir, ['answer', 'far-1', 'too late'], { env: SHORT });
  assert.equal(ans.code, 0, ans.stderr);
  assert.match(ans.stderr, /asker is gone/);
});

test('a claim held by a session whose host lives in another PID namespace is kept while the host’s lease is fresh', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const files = sessionFiles(ctx.paths, 'far');
  fs.mkdirSync(files.dir, { recursive: true });
  // Pids that cannot exist here: the cleanup hook must never signal anything real.
  const host = { pid: 4194002, start: '12345', pidns: FAR_NS, boot: BOOT };
  const child = { pid: 4194001, pgid: 4194001, start: '12346' };
  writeLease(dir, host);
  entityStore.createEntity(files.record, SESSION_ENTITY, { id: 'far', command: 'agent {{prompt_file}}', cwd: '/', cols: 80, rows: 24, createdAt: new Date().toISOString() }, new Date());
  const up = await entityStore.updateEntity(files.record, SESSION_ENTITY, () => [{ type: 'SPAWNED', host, child, at: new Date().toISOString() }], () => new Date());
  assert.equal(up.kind, 'updated');

  assert.equal(looop(dir, ['claim', 'repo', '--session', 'far']).code, 0);
  const taker = looop(dir, ['claim', 'repo', '--session', 'near']);
  assert.equal(taker.code, 1, `a live foreign holder's claim must not be taken: ${taker.stderr}`);
  assert.match(taker.stderr, /'far'/);
  assert.equal(readJson(path.join(dir, 'claims', 'repo.json')).context.holder, 'far');

  fs.utimesSync(leasePath(dir, host), FIVE_MIN_AGO(), FIVE_MIN_AGO());
  const late = looop(dir, ['claim', 'repo', '--session', 'near']);
  assert.equal(late.code, 0, `once the lease is stale the claim is free: ${late.stderr}`);
  assert.equal(readJson(path.join(dir, 'claims', 'repo.json')).context.holder, 'near');
});

test('`kill` never signals local processes for pids recorded by a host in another PID namespace', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  // A local process whose pid and start time a foreign record happens to name.
  const bystander = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  t.after(() => {
    try {
      process.kill(-bystander.pid, 'SIGKILL');
    } catch {}
  });
  const stat = fs.readFileSync(`/proc/${bystander.pid}/stat`, 'utf8');
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  const files = sessionFiles(ctx.paths, 'far');
  fs.mkdirSync(files.dir, { recursive: true });
  const host = { pid: 4194007, start: '5', pidns: FAR_NS, boot: BOOT };
  entityStore.createEntity(files.record, SESSION_ENTITY, { id: 'far', command: 'agent {{prompt_file}}', cwd: '/', cols: 80, rows: 24, createdAt: new Date().toISOString() }, new Date());
  await entityStore.updateEntity(files.record, SESSION_ENTITY, () => [{ type: 'SPAWNED', host, child: { pid: bystander.pid, pgid: bystander.pid, start }, at: new Date().toISOString() }], () => new Date());

  const r = looop(dir, ['kill', 'far']);
  // `kill` returns only after the group it signalled is empty, so a victim is a zombie by now.
  const state = fs.readFileSync(`/proc/${bystander.pid}/stat`, 'utf8').split(') ')[1]?.[0];
  assert.equal(state, 'S', `kill signalled a local process for a foreign pid (exit ${r.code}: ${r.stderr})`);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /another PID namespace/, 'it says why it cannot kill');
});

test('the pulse lock held from another PID namespace counts while its lease is fresh', (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const far = { pid: 4194004, start: '777', pidns: FAR_NS, boot: BOOT };
  fs.mkdirSync(path.join(dir, '.lock'), { recursive: true });
  fs.writeFileSync(pulseLock.pulseLockFile(ctx.paths), `${JSON.stringify({ ...far, since: T0 })}\n`);
  writeLease(dir, far);
  assert.equal(stateJson(dir).pulse_alive, true);
  assert.equal(pulseLock.acquirePulseLock(ctx.paths), false, 'a live foreign pulse keeps the lock');

  fs.utimesSync(leasePath(dir, far), FIVE_MIN_AGO(), FIVE_MIN_AGO());
  assert.equal(stateJson(dir).pulse_alive, false);
  assert.equal(pulseLock.acquirePulseLock(ctx.paths), true, 'a stale foreign pulse loses it');
  const mine = readJson(pulseLock.pulseLockFile(ctx.paths));
  assert.equal(mine.pidns, OUR_NS);
  assert.ok(fs.existsSync(leasePath(dir, mine)), 'the new holder has a lease');
  pulseLock.releasePulseLock(ctx.paths);
  assert.equal(fs.existsSync(pulseLock.pulseLockFile(ctx.paths)), false);
  assert.equal(fs.existsSync(leasePath(dir, mine)), false, 'releasing the lock drops its lease');
});

test('a write token held from another PID namespace is busy for one lease TTL, then skipped', async (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'repo.json');
  const now = () => new Date(T0);
  entityStore.createEntity(file, CLAIM_ENTITY, { name: 'repo', session: 'w1', nonce: '1-1-a', at: T0, ts: 1767225600 }, now());
  const token = path.join(dir, '.repo.json.rev2');
  fs.symlinkSync(`4194003:55@${FAR_NS}:${BOOT}`, token);
  const release = () => [{ type: 'RELEASE', holder: 'w1', by: 'w1', at: T0 }];
  await assert.rejects(entityStore.updateEntity(file, CLAIM_ENTITY, release, now, { timeoutMs: 300 }), (e) => {
    assert.equal(e.code, 'CONFLICT');
    assert.match(e.hint, /another PID namespace/);
    return true;
  });
  fs.lutimesSync(token, FIVE_MIN_AGO(), FIVE_MIN_AGO());
  const r = await entityStore.updateEntity(file, CLAIM_ENTITY, release, now, { timeoutMs: 5000 });
  assert.equal(r.kind, 'updated');
  assert.equal(r.envelope.rev, 3, 'the dead token was skipped');
});

test('temp files: ours are judged by /proc, a foreign writer’s only by age; names carry the place', (t) => {
  const dir = tempDataDir(t);
  const tag = processIdentity.placeTag();
  const farTag = processIdentity.tagOf({ pidns: FAR_NS, boot: BOOT });
  assert.match(path.basename(fsio.tempPathFor(path.join(dir, 'w-1.json'))), new RegExp(`^\\.w-1\\.json\\.${process.pid}-${tag}\\.\\d+\\.[0-9a-f]+\\.tmp$`));
  const name = (n, who) => path.join(dir, `.w-${n}.json.${who}.1.ab12.tmp`);
  const deadHere = name(1, `4194000-${tag}`);
  const liveHere = name(2, `${process.pid}-${tag}`);
  const farFresh = name(3, `1-${farTag}`);
  const farOld = name(4, `4194000-${farTag}`);
  for (const f of [deadHere, liveHere, farFresh, farOld]) fs.writeFileSync(f, 'x');
  fs.utimesSync(farOld, FIVE_MIN_AGO(), FIVE_MIN_AGO());
  assert.equal(fsio.sweepDeadTemps(dir), 2);
  assert.deepEqual(
    [deadHere, liveHere, farFresh, farOld].map((f) => fs.existsSync(f)),
    [false, true, true, false],
    'dead local writer swept, live kept; fresh foreign kept whatever our /proc says about pid 1; old foreign swept',
  );
});

test('leases: named by identity, renewed, removed on release; ones far past their TTL are swept', (t) => {
  const dir = tempDataDir(t);
  const lockDir = path.join(dir, '.lock');
  const me = processIdentity.selfIdentity();
  const gone = { pid: 4194005, start: '9', pidns: FAR_NS, boot: BOOT };
  const recent = { pid: 4194006, start: '9', pidns: FAR_NS, boot: BOOT };
  writeLease(dir, gone);
  writeLease(dir, recent);
  fs.utimesSync(leasePath(dir, gone), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
  fs.utimesSync(leasePath(dir, recent), FIVE_MIN_AGO(), FIVE_MIN_AGO());

  const held = lease.holdLease(lockDir, me);
  const body = readJson(leasePath(dir, me));
  assert.deepEqual([body.pid, body.start, body.pidns, body.boot], [me.pid, me.start, OUR_NS, BOOT]);
  assert.equal(lease.leaseFresh(lockDir, me, Date.now()), true);
  assert.equal(fs.existsSync(leasePath(dir, gone)), false, 'an hour-old lease is swept');
  assert.equal(fs.existsSync(leasePath(dir, recent)), true, 'a merely stale one is left (its owner may be stopped)');
  assert.equal(processIdentity.isAlive(recent, { lockDir }), false, 'stale means dead');
  assert.equal(processIdentity.isAlive(recent), true, 'no evidence at all never means dead');

  const again = lease.holdLease(lockDir, me);
  held.release();
  assert.equal(fs.existsSync(leasePath(dir, me)), true, 'held while any holder remains');
  again.release();
  assert.equal(fs.existsSync(leasePath(dir, me)), false);
});
