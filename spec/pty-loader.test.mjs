// The PTY addon: the prebuilt @lydell/node-pty (so `npm install` compiles nothing),
// a source-built node-pty where no prebuilt binary loads, and one clear line naming
// both and the install command when neither does. The prebuilt package is made to
// fail inside the real host with a module hook (fixtures/pty/unavailable.cjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, looop } from './helpers.mjs';
import { record, sessionDir, sessionsDataDir, startWorker, waitOutput, waitState } from './sessions-helpers.mjs';

const unavailable = (mode) => ({
  NODE_OPTIONS: `--require=${path.join(FIXTURES, 'pty', 'unavailable.cjs')}`,
  LOOOP_TEST_PTY: mode,
});
const hostLog = (dir, id) => fs.readFileSync(path.join(sessionDir(dir, id), 'host.log'), 'utf8');

test('the prebuilt PTY runs a worker with nothing compiled', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'w1', 'echo prebuilt-ok {{prompt_file}}');
  await waitOutput(dir, 'w1', /prebuilt-ok/);
  assert.doesNotMatch(hostLog(dir, 'w1'), /PTY from/, 'the host used the prebuilt package without falling back');
});

test('where no prebuilt binary loads, a source-built node-pty runs the worker, and host.log says why', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'w1', 'echo fallback-ok {{prompt_file}}', { env: unavailable('source-build') });
  await waitOutput(dir, 'w1', /fallback-ok/);
  await waitState(dir, 'w1', 'exited');
  assert.match(hostLog(dir, 'w1'), /PTY from node-pty \(@lydell\/node-pty: .*does not support your platform/);
});

test('with no PTY at all, worker start fails with one line naming both packages and the install command', (t) => {
  const dir = sessionsDataDir(t);
  const r = looop(dir, ['worker', 'start', 'w1', 'task', '--command', 'echo {{prompt_file}}'], { env: unavailable('none') });
  assert.equal(r.code, 1, `worker start must fail: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, '');
  const [line, ...rest] = r.stderr.trimEnd().split('\n');
  assert.match(line, /^looop: session w1: cannot load a PTY on \S+ \(@lydell\/node-pty: .*does not support your platform.*; node-pty is not installed\); build node-pty from source: cd \S+ && npm install --no-save node-pty \(needs g\+\+, make and python3\)$/);
  assert.ok(rest.every((l) => !/^\s+at /.test(l)), `no stack trace: ${r.stderr}`);
  assert.equal(record(dir, 'w1')?.state, 'exited', 'the record is final, so a retry reaps it');
});
