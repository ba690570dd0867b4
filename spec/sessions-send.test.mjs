// `send` types keystrokes in order: 200 requests delivered back to back (without
// waiting for any to be handled) reach the program in exactly the order sent,
// because the host drains its inbox sorted by name, one request at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as lib from '../dist/lib.mjs';
import { looop } from './helpers.mjs';
import { startWorker, waitFileText, waitOutput, sessionsDataDir } from './sessions-helpers.mjs';

// Appends every line it reads to recv.txt (in the data dir, its cwd), echo off.
const RECEIVER = `stty -echo; echo ready; while IFS= read -r l; do printf '%s\\n' "$l" >> recv.txt; done # {{prompt_file}}`;

test('200 pipelined sends arrive in order', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'r1', RECEIVER);
  await waitOutput(dir, 'r1', /ready/);
  const files = lib.sessionFiles(lib.paths.resolvePaths({ LOOOP_DATA_DIR: dir }, dir), 'r1');
  const sent = Array.from({ length: 200 }, (_, i) => `message ${String(i).padStart(3, '0')} ${'x'.repeat(i % 17)}`);
  // Back to back, fire-and-forget: the host sees a burst of 200 files.
  for (const text of sent) lib.deliver(files, { op: 'send', text, newline: true }, false);
  const got = await waitFileText(path.join(dir, 'recv.txt'), (s) => s.split('\n').length > 200, 'all 200 lines in recv.txt', 30_000);
  assert.deepEqual(got.trimEnd().split('\n'), sent);
  assert.deepEqual(fs.readdirSync(files.inboxNew), [], 'the inbox is drained');
});

test('send from the CLI: words joined by spaces, Enter unless -n, replies once typed', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'r2', RECEIVER);
  await waitOutput(dir, 'r2', /ready/);
  let r = looop(dir, ['send', 'r2', 'part', 'one', '-n']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'sent to r2\n');
  assert.equal(looop(dir, ['send', 'r2', '--no-newline', '+two']).code, 0);
  assert.equal(looop(dir, ['send', 'r2', '+three', '世界']).code, 0);
  assert.equal(looop(dir, ['send', 'r2', '--', '-n', 'is text here']).code, 0);
  const got = await waitFileText(path.join(dir, 'recv.txt'), (s) => s.split('\n').length > 2, 'two lines in recv.txt');
  assert.equal(got, 'part one+two+three 世界\n-n is text here\n');
});

test('send refuses the pulse, unknown ids and sessions that are not running', async (t) => {
  const dir = sessionsDataDir(t);
  let r = looop(dir, ['send', 'pulse', 'hi']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: send: 'pulse' is the control loop, not a worker/);
  r = looop(dir, ['send', 'ghost', 'hi']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: send ghost: no such session/);
  startWorker(t, dir, 'done1', 'echo bye # {{prompt_file}}');
  await waitFileText(path.join(dir, 'sessions', 'done1', 'session.json'), (s) => s.includes('"state": "exited"'), 'done1 to exit');
  r = looop(dir, ['send', 'done1', 'hi']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: send done1: the session is not running \(exited 0\)/);
  r = looop(dir, ['send', 'r1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /usage: looop send/);
});
