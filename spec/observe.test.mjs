// asks / state / wait: what a client subscribes to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, envFor, exitWithin, looop, looopBg, tempDataDir, waitFor, waitForFile } from './helpers.mjs';

async function pulseStub(t, dir) {
  const child = spawn(process.execPath, [path.join(FIXTURES, 'pulse-stub.mjs')], { env: envFor(dir), stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {}
  });
  await new Promise((resolve, reject) => {
    child.stdout.once('data', resolve);
    child.once('exit', (c) => reject(new Error(`pulse stub exited ${c}`)));
  });
  return child;
}

/** Inotify watches a live process holds (0 once it is gone: /proc may vanish under us). */
function inotifyWatches(pid) {
  let fds;
  try {
    fds = fs.readdirSync(`/proc/${pid}/fdinfo`);
  } catch {
    return 0;
  }
  let k = 0;
  for (const fd of fds) {
    try {
      k += (fs.readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8').match(/^inotify wd:/gm) ?? []).length;
    } catch {}
  }
  return k;
}

/**
 * Resolves when `proc` holds at least `n` inotify watches: `wait` fingerprints the world
 * before it opens its watch, so from here on a change is caught (by an event or by the
 * first comparison). Fails at once, with what it printed, if the process exits first.
 */
async function armed(proc, n) {
  await waitFor(() => proc.exited !== null || inotifyWatches(proc.child.pid) >= n, {
    what: `\`looop wait\` (pid ${proc.child.pid}) to hold ${n} inotify watches`,
    describe: () => `${inotifyWatches(proc.child.pid)} watches`,
  });
  assert.equal(proc.exited, null, `wait exited before its watch was armed: ${JSON.stringify(proc.exited)} stdout=${proc.stdout} stderr=${proc.stderr}`);
}

test('asks lists pending asks (human and --json) and nothing once answered', async (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['asks']).stdout, 'no pending asks\n');
  assert.deepEqual(JSON.parse(looop(dir, ['asks', '--json']).stdout), []);
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'Which DB?', '--ref', 'reports/db.md', '--options', 'pg', '--options', 'sqlite,mysql']);
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  const human = looop(dir, ['asks']);
  assert.equal(human.stdout, '⚑ w-1 (w): Which DB?\n    ref: reports/db.md\n    options: pg, sqlite, mysql\n');
  const [a] = JSON.parse(looop(dir, ['asks', '--json']).stdout);
  assert.deepEqual(Object.keys(a).sort(), ['id', 'options', 'prompt', 'reference', 'ts', 'worker']);
  assert.deepEqual(a.options, ['pg', 'sqlite', 'mysql']);
  assert.equal(looop(dir, ['answer', 'w-1', 'pg']).code, 0);
  await exitWithin(ask, 10_000);
  assert.deepEqual(JSON.parse(looop(dir, ['asks', '--json']).stdout), []);
});

test('state reports the mailbox, goals, snapshots and the journal', async (t) => {
  const dir = tempDataDir(t);
  fs.mkdirSync(path.join(dir, 'goals'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'goals', 'ship.md'), 'ship\n');
  fs.mkdirSync(path.join(dir, 'snapshots'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'snapshots', 'sensor-today.json'), JSON.stringify({ signal: { date: '2026-11-24' }, detail: { n: 1 } }));
  fs.writeFileSync(path.join(dir, 'journal.md'), '- 2026-11-24 10:00 first\n- 2026-11-24 10:05 second\n');
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q']);
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  const s = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.equal(s.pulse_alive, false);
  assert.equal(s.data_dir, dir);
  assert.deepEqual(s.asks.map((a) => a.id), ['w-1']);
  assert.deepEqual(s.goals, ['ship']);
  assert.deepEqual(s.snapshots['sensor-today'].signal, { date: '2026-11-24' });
  assert.deepEqual(s.journal_tail, ['- 2026-11-24 10:00 first', '- 2026-11-24 10:05 second']);
  const human = looop(dir, ['state']).stdout;
  assert.match(human, /^pulse: DOWN {2}· {2}asks: 1 {2}· {2}workers: 0 live \/ 0 {2}· {2}goals: 1$/m);
  assert.match(human, /⚑ w-1 \(w · just now\): q/);
  assert.match(human, /sensor-today: {"date":"2026-11-24"}/);
  process.kill(ask.child.pid, 'SIGKILL');
});

test('wait returns at once while an ask is pending, for every filter', async (t) => {
  const dir = tempDataDir(t);
  looopBg(t, dir, ['ask', 'w', '--prompt', 'q']);
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  for (const flags of [[], ['--actionable'], ['--only-asks']]) {
    const r = looop(dir, ['wait', '--json', ...flags]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).changed, ['asks']);
  }
});

test('wait exits 2 with pulse-down when no pulse is running', (t) => {
  const dir = tempDataDir(t);
  const r = looop(dir, ['wait', '--json']);
  assert.equal(r.code, 2);
  assert.deepEqual(JSON.parse(r.stdout).changed, ['pulse-down']);
  const human = looop(dir, ['wait']);
  assert.equal(human.code, 2);
  assert.match(human.stdout, /^changed: pulse-down$/m);
});

test('wait wakes on a file change (a watch event), naming the category', async (t) => {
  const dir = tempDataDir(t);
  await pulseStub(t, dir);
  const w = looopBg(t, dir, ['wait', '--json']);
  await armed(w, 6);
  fs.writeFileSync(path.join(dir, 'goals', 'new.md'), 'a new goal\n');
  const { code } = await exitWithin(w, 10_000, 'wait to wake on the goal change');
  assert.equal(code, 0, w.stderr);
  assert.deepEqual(JSON.parse(w.stdout).changed, ['goals']);
});

test('wait --only-asks ignores other changes and wakes on a new ask', async (t) => {
  const dir = tempDataDir(t);
  await pulseStub(t, dir);
  const w = looopBg(t, dir, ['wait', '--json', '--only-asks']);
  await armed(w, 6);
  fs.writeFileSync(path.join(dir, 'journal.md'), '- entry\n');
  fs.writeFileSync(path.join(dir, 'goals', 'g.md'), 'g\n');
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q']);
  const { code } = await exitWithin(w, 10_000, 'wait --only-asks to wake on the ask');
  assert.equal(code, 0, w.stderr);
  assert.deepEqual(JSON.parse(w.stdout).changed, ['asks']);
  process.kill(ask.child.pid, 'SIGKILL');
});

test('wait wakes with exit 2 when the pulse goes down while it waits', async (t) => {
  const dir = tempDataDir(t);
  const stub = await pulseStub(t, dir);
  const w = looopBg(t, dir, ['wait', '--json']);
  await armed(w, 6);
  stub.kill('SIGTERM'); // a clean stop removes the lock file: a watch event
  const { code } = await exitWithin(w, 10_000, 'wait to notice the pulse went down');
  assert.equal(code, 2);
  assert.deepEqual(JSON.parse(w.stdout).changed, ['pulse-down']);
});

test('a blocked wait uses one inotify watch per directory, not per file', async (t) => {
  const dir = tempDataDir(t);
  await pulseStub(t, dir);
  fs.mkdirSync(path.join(dir, 'answers'), { recursive: true });
  for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(dir, 'answers', `old-${i}.txt`), 'x');
  const w = looopBg(t, dir, ['wait', '--json']);
  await armed(w, 6);
  const k = inotifyWatches(w.child.pid);
  assert.ok(k <= 8, `wait holds ${k} inotify watches for 6 directories and 200 files`);
});

const lib = await import('../dist/lib.mjs');
const libCtx = (dir) => ({ paths: lib.paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env: {}, now: () => new Date(), warn: () => {}, bin: 'looop' });

test('state --json adds world_hash (the pulse\'s hash of the files on disk) and keeps every field', (t) => {
  const dir = tempDataDir(t);
  fs.mkdirSync(path.join(dir, 'goals'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'goals', 'ship.md'), 'ship\n');
  const s = JSON.parse(looop(dir, ['state', '--json']).stdout);
  for (const k of ['world_hash', 'pulse_alive', 'pulse', 'snapshots', 'asks', 'stranded_asks', 'workers', 'goals', 'journal_tail', 'data_dir']) assert.ok(k in s, `state --json has ${k}: ${Object.keys(s)}`);
  assert.match(s.world_hash, /^[0-9a-f]{32}$/);
  assert.equal(s.world_hash, lib.worldView(dir).hash);
  fs.writeFileSync(path.join(dir, 'goals', 'ship.md'), 'ship it today\n');
  const after = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.notEqual(after.world_hash, s.world_hash, 'a goal edit moves the world hash');
  assert.equal(s.pulse, null, 'no beat record: no pulse ever ran');
});

test('state shows the beat: phase, run, failures, last decision and outcome, a beat cut short', async (t) => {
  const dir = tempDataDir(t);
  const ctx = libCtx(dir);
  await lib.openBeat(ctx, process.pid);
  const at = new Date().toISOString();
  await lib.advanceBeat(ctx, { type: 'SENSE', at }, { type: 'SENSED', at, worldHash: 'h1' }, { type: 'DECIDE', at, runId: 'tick-20261201-100000' });
  let s = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.equal(s.pulse.phase, 'deciding');
  assert.equal(s.pulse.run_id, 'tick-20261201-100000');
  assert.match(looop(dir, ['state']).stdout, /^ {2}beat: deciding \(tick-20261201-100000\) since just now$/m);
  await lib.advanceBeat(ctx, { type: 'DECIDED', at, action: 'write_goal', summary: 'wrote goals/ship.md' }, { type: 'COMMITTED', at });
  s = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.deepEqual(s.pulse.last_decision, { run_id: 'tick-20261201-100000', action: 'write_goal', summary: 'wrote goals/ship.md', at });
  assert.equal(s.pulse.phase, 'idle');
  assert.equal(s.pulse.failures, 0);
  assert.deepEqual(Object.keys(s.pulse).sort(), ['failures', 'interrupted', 'last_decision', 'last_outcome', 'phase', 'run_id', 'since']);
  const human = looop(dir, ['state']).stdout;
  assert.match(human, /^ {2}last decision: write_goal — wrote goals\/ship\.md \(just now\)$/m);
  // A beat that failed: the outcome and the failure count show.
  await lib.advanceBeat(ctx, { type: 'SENSE', at }, { type: 'SENSED', at, worldHash: 'h2' }, { type: 'DECIDE', at, runId: 'tick-2' }, { type: 'FAIL', at, reason: 'runner exited 1' });
  s = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.equal(s.pulse.failures, 1);
  assert.match(s.pulse.last_outcome, /runner exited 1/);
  assert.match(looop(dir, ['state']).stdout, /failed decides in a row: 1/);
});

test('a corrupt beat.json is one line naming it; state still answers', (t) => {
  const dir = tempDataDir(t);
  fs.writeFileSync(path.join(dir, 'beat.json'), '{"not": "a beat"');
  for (const args of [['state', '--json'], ['state']]) {
    const r = looop(dir, args);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^looop: .*beat\.json/);
  }
  assert.equal(JSON.parse(looop(dir, ['state', '--json']).stdout).pulse, null);
});

test('wait wakes on a journal line (a decided beat) and on a PLAYBOOK edit, naming each', async (t) => {
  const dir = tempDataDir(t);
  await pulseStub(t, dir);
  let w = looopBg(t, dir, ['wait', '--json']);
  await armed(w, 6);
  fs.appendFileSync(path.join(dir, 'journal.md'), '- 2026-12-01 10:00 [noop] nothing to do\n');
  let { code } = await exitWithin(w, 10_000, 'wait to wake on the journal line');
  assert.equal(code, 0, w.stderr);
  assert.deepEqual(JSON.parse(w.stdout).changed, ['journal']);
  w = looopBg(t, dir, ['wait']);
  await armed(w, 6);
  fs.writeFileSync(path.join(dir, 'PLAYBOOK.md'), '# new policy\n');
  ({ code } = await exitWithin(w, 10_000, 'wait to wake on the PLAYBOOK edit'));
  assert.equal(code, 0, w.stderr);
  assert.match(w.stdout, /^changed: playbook$/m);
});

test('wait --actionable sleeps through a goal edit and wakes on the journal', async (t) => {
  const dir = tempDataDir(t);
  await pulseStub(t, dir);
  const w = looopBg(t, dir, ['wait', '--json', '--actionable']);
  await armed(w, 6);
  fs.writeFileSync(path.join(dir, 'goals', 'g.md'), 'g\n');
  fs.appendFileSync(path.join(dir, 'journal.md'), '- decided\n');
  const { code } = await exitWithin(w, 10_000, 'wait --actionable to wake on the journal');
  assert.equal(code, 0, w.stderr);
  assert.deepEqual(JSON.parse(w.stdout).changed, ['goals', 'journal']);
});

test('wait wakes on a snapshot whose wake signal changed, never on a detail-only rewrite', async (t) => {
  const dir = tempDataDir(t);
  await pulseStub(t, dir);
  const snap = path.join(dir, 'snapshots', 'sensor-ci.json');
  // Published the way the pulse publishes a snapshot (rename), so no reader sees it half-written.
  const publish = (o) => {
    fs.writeFileSync(`${snap}.new`, JSON.stringify(o));
    fs.renameSync(`${snap}.new`, snap);
  };
  fs.mkdirSync(path.dirname(snap), { recursive: true });
  publish({ signal: { red: 0 }, detail: { run: 1 } });
  let w = looopBg(t, dir, ['wait', '--json']);
  await armed(w, 6);
  publish({ detail: { run: 2 }, signal: { red: 0 } });
  fs.writeFileSync(path.join(dir, 'goals', 'g.md'), 'g\n');
  let { code } = await exitWithin(w, 10_000, 'wait to wake on the goal (not the detail-only snapshot rewrite)');
  assert.equal(code, 0, w.stderr);
  assert.deepEqual(JSON.parse(w.stdout).changed, ['goals']);
  w = looopBg(t, dir, ['wait', '--json']);
  await armed(w, 6);
  publish({ signal: { red: 1 }, detail: { run: 3 } });
  ({ code } = await exitWithin(w, 10_000, 'wait to wake on the snapshot signal'));
  assert.equal(code, 0, w.stderr);
  const out = JSON.parse(w.stdout);
  assert.deepEqual(out.changed, ['snapshots']);
  assert.deepEqual(out.snapshots['sensor-ci'].signal, { red: 1 });
  assert.ok('world_hash' in out && 'pulse' in out, 'wait prints the same state as `state`');
});
