// `up` and `down`: the pulse in its own session, single instance under a 20-way race,
// and a stop that sweeps the workers.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { looop, looopAsync, readJson, tempDataDir, waitFor } from './helpers.mjs';
import { calls, deciderPid, scriptedPulseDir, waitGone } from './pulse-helpers.mjs';

test('up: without a config it says how to set one up, and starts nothing', (t) => {
  const dir = tempDataDir(t, 'up-noinit');
  const r = looop(dir, ['up']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: not initialized — there is no .*config\.json/m);
  assert.match(r.stderr, /npm run demo/);
  assert.equal(fs.existsSync(path.join(dir, 'sessions', 'pulse')), false);
});

test('up: a runner that is not installed is named before anything starts', (t) => {
  const dir = tempDataDir(t, 'up-preflight');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ tick_command: 'no-such-runner-xyz -p', worker_command: 'no-such-runner-xyz {{prompt_file}}' }));
  const r = looop(dir, ['up']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no-such-runner-xyz/);
  assert.equal(fs.existsSync(path.join(dir, 'sessions', 'pulse')), false);
});

test('up: twenty racing ups start exactly one pulse, and every other one names it; down stops it and its workers', async (t) => {
  const dir = tempDataDir(t, 'up-race');
  const queue = scriptedPulseDir(dir, {
    '01.json': { action: 'start_worker', id: 'w1', prompt: 'wait around', command: 'sleep 600 # {{prompt_file}}' },
  });
  const results = await Promise.all(Array.from({ length: 20 }, () => looopAsync(dir, ['up'])));
  for (const r of results) assert.equal(r.code, 0, `up failed: ${r.stderr}`);
  const started = results.filter((r) => /^looop: pulse started \(pid \d+\)/.test(r.stdout));
  assert.equal(started.length, 1, `exactly one up starts the pulse; outputs: ${results.map((r) => r.stdout.trim()).join(' | ')}`);
  const pid = Number(/pid (\d+)/.exec(started[0].stdout)[1]);
  for (const r of results) {
    if (r !== started[0]) assert.match(r.stdout, new RegExp(`^looop: pulse already running \\(pid ${pid}\\b`), 'every other up names the running pulse');
  }
  assert.equal(readJson(path.join(dir, '.lock', 'pulse.json')).pid, pid);

  // The pulse is a session like the workers: listed, and its log readable.
  const list = JSON.parse(looop(dir, ['worker', 'list', '-a', '--json']).stdout);
  assert.ok(list.some((s) => s.id === 'pulse'), 'worker list -a shows the pulse');
  await waitFor(() => fs.existsSync(path.join(dir, 'sessions', 'w1', 'session.json')) && readJson(path.join(dir, 'sessions', 'w1', 'session.json')).state === 'running', {
    dir,
    what: 'the pulse to start worker w1',
    describe: () => `calls=${calls(queue).join(';')} log=${fs.readFileSync(path.join(dir, 'sessions', 'pulse', 'output.log'), 'utf8').slice(-1500)}`,
  });

  const down = looop(dir, ['down']);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /^looop: stopped 1 worker \(w1\)$/m);
  assert.match(down.stdout, /^looop: pulse stopped$/m);
  assert.equal(fs.existsSync(path.join(dir, '.lock', 'pulse.json')), false, 'the lock is gone with the pulse');
  assert.equal(readJson(path.join(dir, 'sessions', 'w1', 'session.json')).state, 'killed');
  const again = looop(dir, ['down']);
  assert.equal(again.code, 0);
  assert.match(again.stdout, /^looop: pulse not running$/m);
});

test('up --json: the pulse logs JSON lines (one object each, sorted keys, reserved ts/level/event/msg)', async (t) => {
  const dir = tempDataDir(t, 'up-json');
  scriptedPulseDir(dir, { '01.json': { action: 'noop', reason: 'json please' } });
  const up = looop(dir, ['up', '--json']);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /^looop: pulse started \(pid \d+\) \[json\]/);
  const events = await waitFor(() => {
    const lines = looop(dir, ['log', 'pulse']).stdout.split('\n').filter((l) => l.startsWith('{'));
    const parsed = lines.map((l) => JSON.parse(l));
    return parsed.some((e) => e.event === 'tick.decided') ? parsed : null;
  }, { dir: path.join(dir, 'sessions', 'pulse'), what: 'a decided beat in the pulse log' });
  const start = events.find((e) => e.event === 'pulse.start');
  assert.ok(start, 'pulse.start is logged');
  assert.deepEqual(Object.keys(start), [...Object.keys(start)].sort(), 'keys are sorted');
  for (const k of ['ts', 'level', 'event', 'msg']) assert.ok(k in start, `${k} present`);
  assert.equal(looop(dir, ['down']).code, 0);
});

test('down: a decider in the middle of a decide goes with the pulse (its own process group included), and it is not counted as a failure', async (t) => {
  const dir = tempDataDir(t, 'down-hang');
  const queue = scriptedPulseDir(dir, { '01.hang': '' });
  assert.equal(looop(dir, ['up']).code, 0);
  await waitFor(() => calls(queue).length === 1, { dir: path.dirname(queue), what: 'the decider to start' });
  const runner = deciderPid(queue);
  t.after(() => {
    try {
      process.kill(-runner, 'SIGKILL');
    } catch {}
  });
  const down = looop(dir, ['down']);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /pulse stopped/);
  await waitGone(runner, `the hung decider (pid ${runner}) to be gone after down`);
  assert.equal(fs.existsSync(path.join(dir, '.tick-backoff')), false, 'a decide cut short by down arms no backoff');
});
