// `kill` ends the whole process group — escalating to SIGKILL when members ignore
// SIGHUP — and the record says `killed` before the verb returns. A host killed
// with SIGKILL shows as dead, never running; its surviving children are found by
// their recorded group and start time and killed directly; prune removes corpses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as lib from '../dist/lib.mjs';
import { FIXTURES, looop, waitFor } from './helpers.mjs';
import { record, running, sessionDir, startWorker, waitOutput, waitState, sessionsDataDir } from './sessions-helpers.mjs';

function ctxFor(dir) {
  const env = { LOOOP_DATA_DIR: dir };
  return { paths: lib.paths.resolvePaths(env, dir), env, now: () => new Date(), warn: () => {}, bin: 'looop' };
}

function pidsOf(dir, id) {
  const m = /grandchild (\d+) leader (\d+)/.exec(fs.readFileSync(path.join(sessionDir(dir, id), 'output.log'), 'utf8'));
  assert.ok(m, 'the fixture printed its pids');
  return [Number(m[1]), Number(m[2])].map((pid) => ({ pid, start: lib.processIdentity.identityOf(pid)?.start ?? null }));
}

function list(dir, ...args) {
  const r = looop(dir, ['worker', 'list', '--json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('kill of a tree whose members ignore SIGHUP escalates, confirms, and records killed before it returns', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'k1', `bash ${FIXTURES}/agents/hup-proof.sh {{prompt_file}}`);
  await waitOutput(dir, 'k1', /grandchild \d+ leader \d+/);
  const procs = pidsOf(dir, 'k1');
  assert.ok(procs.every(running), 'the tree is running');
  const r = looop(dir, ['kill', 'k1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'killed k1 (escalated to SIGKILL)\n');
  const rec = record(dir, 'k1');
  assert.equal(rec.state, 'killed', 'killed is on disk when kill returns');
  assert.deepEqual([rec.context.escalated, rec.context.signal, rec.context.exitCode], [true, 'SIGKILL', null]);
  assert.ok(!procs.some(running), 'no member of the group survived');
  // The host replies to the kill and then exits: wait for that, with a deadline.
  await waitFor(() => !running(rec.context.host), { ms: 5000, what: 'the host to finish after the kill', describe: () => JSON.stringify(rec.context.host) });
  assert.ok(fs.existsSync(path.join(sessionDir(dir, 'k1'), 'screen.final.json')));
});

test('kill of a well-behaved session needs no escalation; kill refuses the pulse, unknown ids and ended sessions', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'k2', 'echo up {{prompt_file}}; read -r _');
  await waitOutput(dir, 'k2', /up/);
  let r = looop(dir, ['worker', 'kill', 'k2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'killed k2\n');
  assert.deepEqual([record(dir, 'k2').state, record(dir, 'k2').context.escalated], ['killed', false]);
  r = looop(dir, ['kill', 'k2']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: kill k2: the session has already ended \(killed\)/);
  r = looop(dir, ['kill', 'pulse']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: kill: 'pulse' is the control loop, not a worker\n {2}observe it with `looop screenshot pulse`, control it with `looop up` \/ `looop down`/);
  r = looop(dir, ['kill', 'nobody']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: kill nobody: no such session/);
  r = looop(dir, ['kill', '../x']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /invalid session id/);
});

test('a SIGKILLed host shows as dead, not running; kill then records the end', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'd1', 'echo up {{prompt_file}}; read -r _');
  await waitOutput(dir, 'd1', /up/);
  const before = record(dir, 'd1');
  assert.deepEqual(list(dir).map((w) => [w.id, w.state, w.alive]), [['pulse', 'down', false], ['d1', 'running', true]]);
  process.kill(before.context.host.pid, 'SIGKILL');
  await waitFor(() => !running(before.context.host), { ms: 10_000, what: 'the host to die' });
  assert.equal(record(dir, 'd1').state, 'running', 'nobody wrote a final state');
  assert.deepEqual(list(dir, '-a').map((w) => [w.id, w.state, w.alive, w.health]), [['pulse', 'down', false, 'down'], ['d1', 'dead', false, 'dead']]);
  assert.deepEqual(list(dir).map((w) => w.id), ['pulse'], 'dead workers are listed only with -a');
  assert.equal(lib.sessionAlive(ctxFor(dir), 'd1'), false);
  const r = looop(dir, ['kill', 'd1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'killed d1 (its host was gone)\n');
  assert.equal(record(dir, 'd1').state, 'killed');
});

test('children that outlive a SIGKILLed host are killed by kill (and by prune), found by group and start time', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'o1', `bash ${FIXTURES}/agents/hup-proof.sh {{prompt_file}}`);
  startWorker(t, dir, 'o2', `bash ${FIXTURES}/agents/hup-proof.sh {{prompt_file}}`);
  await waitOutput(dir, 'o1', /grandchild/);
  await waitOutput(dir, 'o2', /grandchild/);
  const orphans1 = pidsOf(dir, 'o1');
  const orphans2 = pidsOf(dir, 'o2');
  for (const id of ['o1', 'o2']) {
    const host = record(dir, id).context.host;
    process.kill(host.pid, 'SIGKILL');
    await waitFor(() => !running(host), { ms: 10_000, what: `host of ${id} to die` });
  }
  assert.ok(orphans1.every(running) && orphans2.every(running), 'the HUP-proof children survived their host');

  const r = looop(dir, ['kill', 'o1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'killed o1 (escalated to SIGKILL) (its host was gone)\n');
  assert.ok(!orphans1.some(running), 'kill ended the orphans');
  assert.deepEqual([record(dir, 'o1').state, record(dir, 'o1').context.escalated], ['killed', true]);

  const removed = await lib.pruneSessions(ctxFor(dir), 0);
  assert.deepEqual(removed.sort(), ['o1', 'o2']);
  assert.ok(!orphans2.some(running), 'prune killed the orphans before removing the session');
  assert.equal(fs.existsSync(sessionDir(dir, 'o2')), false);
});

test('prune keeps young corpses and live sessions, and never touches an unreadable record; sweepWorkers kills the live ones', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'live1', 'echo up {{prompt_file}}; read -r _');
  startWorker(t, dir, 'live2', 'echo up {{prompt_file}}; read -r _');
  startWorker(t, dir, 'gone1', 'echo bye {{prompt_file}}');
  await waitState(dir, 'gone1', 'exited');
  fs.mkdirSync(sessionDir(dir, 'junk'));
  fs.writeFileSync(path.join(sessionDir(dir, 'junk'), 'session.json'), '{ not json');
  const ctx = ctxFor(dir);
  assert.deepEqual(await lib.pruneSessions(ctx, 3600), [], 'an hour-long TTL keeps a fresh corpse');
  const later = { ...ctx, now: () => new Date(Date.now() + 7200_000) };
  assert.deepEqual(await lib.pruneSessions(later, 3600), ['gone1']);
  assert.ok(fs.existsSync(path.join(sessionDir(dir, 'junk'), 'session.json')), 'the unreadable record is left alone');
  const sweep = await lib.sweepWorkers(ctx);
  assert.deepEqual(sweep.killed.map((k) => k.id).sort(), ['live1', 'live2']);
  assert.deepEqual(sweep.failed, []);
  assert.deepEqual([record(dir, 'live1').state, record(dir, 'live2').state], ['killed', 'killed']);
});

test('a host whose session directory is deleted ends its child and itself instead of running orphaned', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'rm1', 'echo up {{prompt_file}}; read -r _');
  await waitOutput(dir, 'rm1', /up/);
  const { host, child } = record(dir, 'rm1').context;
  fs.rmSync(sessionDir(dir, 'rm1'), { recursive: true, force: true });
  await waitFor(() => !running(host) && !running({ pid: child.pid, start: child.start }), {
    ms: 15_000,
    what: 'the host and its child to end after their directory vanished',
    describe: () => `host running=${running(host)} child running=${running({ pid: child.pid, start: child.start })}`,
  });
});

// The leader shell outlives the command (it drains the terminal), and a shell that
// outlives a job killed by a signal reports it: `environment: line 1: 5551 Hangup  sleep 100`.
// That line is not the worker's output and must reach neither the log nor the screen.
const JOB_REPORT = /Hangup|line \d+: +\d+ /;

test('a killed worker leaves only its own output: no job report from the wrapper shell in log or screen', async (t) => {
  const dir = sessionsDataDir(t);
  const shapes = { j1: 'echo up {{prompt_file}}; sleep 100', j2: 'sleep 100 & echo up {{prompt_file}}; read -r _' };
  for (const [id, command] of Object.entries(shapes)) startWorker(t, dir, id, command);
  for (const id of Object.keys(shapes)) {
    await waitOutput(dir, id, /up/);
    const r = looop(dir, ['kill', id]);
    assert.equal(r.code, 0, r.stderr);
  }
  for (const id of Object.keys(shapes)) {
    const log = looop(dir, ['log', id]);
    assert.equal(log.code, 0, log.stderr);
    assert.doesNotMatch(log.stdout, JOB_REPORT, `log ${id}`);
    assert.match(log.stdout, /^up /, `log ${id} keeps the worker's own output`);
    const shot = looop(dir, ['screenshot', id]);
    assert.equal(shot.code, 0, shot.stderr);
    assert.doesNotMatch(shot.stdout, JOB_REPORT, `screenshot ${id}`);
  }
});

/** Runs the session leader's script in its own process group, hangs the group up once it printed `up`, and returns all it wrote. */
function hangUpLeader(t, nonce, command) {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', lib.leaderScript(nonce, command)], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const stop = () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
    };
    t.after(stop);
    const deadline = setTimeout(() => {
      stop();
      reject(new Error(`timed out after 15000 ms waiting for the leader of ${JSON.stringify(command)} to print, drain and exit; saw ${JSON.stringify(out)}`));
    }, 15_000);
    let out = '';
    let hungUp = false;
    let answered = false;
    const seen = (d) => {
      out += d;
      if (!hungUp && out.includes('up')) {
        hungUp = true;
        process.kill(-child.pid, 'SIGHUP');
      }
      if (!answered && out.includes('looop-drain')) {
        answered = true;
        child.stdin.end(`${nonce}\n`);
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.stdin.on('error', () => {});
    child.on('close', () => {
      clearTimeout(deadline);
      resolve(out);
    });
  });
}

test('the leader script never reports the hang-up of a job, whichever of the shell and the job sees it first', async (t) => {
  // The report races the shell's own hang-up, so one kill proves little: 24 kills of both shapes.
  for (let i = 0; i < 24; i++) {
    const command = i % 2 === 0 ? 'echo up; sleep 100' : 'sleep 100 & echo up; read -r _';
    const out = await hangUpLeader(t, `nonce${i}`, command);
    assert.doesNotMatch(out, JOB_REPORT, `kill ${i} (${command})`);
    assert.match(out, /^up\n/);
  }
});

test('the leader script keeps what the command\'s own shell says, and its exit status', async (t) => {
  const run = (command) => {
    const r = spawnSync('bash', ['-c', lib.leaderScript('n', command)], { input: 'n\n', encoding: 'utf8' });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };
  let r = run('echo out; echo oops )');
  assert.equal(r.status, 2);
  assert.match(r.err, /syntax error near unexpected token `\)'/);
  r = run('echo out; nosuchprog-looop');
  assert.equal(r.status, 127);
  assert.match(r.out, /^out\n/);
  assert.match(r.err, /nosuchprog-looop: command not found/);
  r = run('trap "echo own-exit-trap" EXIT; echo out >&2; exit 7');
  assert.equal(r.status, 7);
  assert.equal(r.err, 'out\n');
  assert.match(r.out, /^own-exit-trap\n/);
});
