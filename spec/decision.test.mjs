// Reading the decider's move from .decision.json: hostile bytes in, a typed move or
// one line naming the file out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { tempDataDir } from './helpers.mjs';
import { decision } from '../dist/lib.mjs';

function readWith(t, bytes) {
  const dir = tempDataDir(t);
  const file = path.join(dir, decision.DECISION_FILE);
  fs.writeFileSync(file, bytes);
  return { file, r: decision.readDecision(file) };
}

function assertProblem(r, kind, file, needle) {
  assert.equal(r.kind, kind, `expected ${kind}, saw ${JSON.stringify(r)}`);
  assert.ok(r.message.includes(file), `the message should name ${file}: ${r.message}`);
  assert.ok(!r.message.includes('\n'), `the message should be one line: ${JSON.stringify(r.message)}`);
  if (needle !== undefined) assert.ok(r.message.includes(needle), `expected ${JSON.stringify(needle)} in ${r.message}`);
}

test('a valid decision is a typed move with its journal and next_interval_s lifted', (t) => {
  const { r } = readWith(t, JSON.stringify({ action: 'write_goal', id: 'ship', body: 'v2', journal: 'wrote it', next_interval_s: 30, extra: 1 }));
  assert.equal(r.kind, 'ok');
  assert.deepEqual(r.decision, { action: { action: 'write_goal', id: 'ship', body: 'v2' }, journal: 'wrote it', nextIntervalS: 30 });
});

test('a bad journal or next_interval_s is ignored, not fatal', () => {
  for (const n of [-1, 1.5, '30', null]) {
    const r = decision.parseDecision(JSON.stringify({ action: 'noop', journal: 7, next_interval_s: n }), 'f');
    assert.equal(r.kind, 'ok');
    assert.equal(r.decision.journal, '');
    assert.equal(r.decision.nextIntervalS, null);
  }
});

test('one code fence layer is stripped; two are not; an unterminated fence is malformed', () => {
  const move = '{"action":"noop"}';
  for (const text of [move, `\`\`\`json\n${move}\n\`\`\``, `\`\`\`\n${move}\n\`\`\`\n`, `  \n\`\`\`json\n${move}\`\`\`  `, `\uFEFF${move}`]) {
    assert.equal(decision.parseDecision(text, 'f').kind, 'ok', JSON.stringify(text));
  }
  assert.equal(decision.parseDecision(`\`\`\`json\n\`\`\`json\n${move}\n\`\`\`\n\`\`\``, 'f').kind, 'malformed-json');
  assert.equal(decision.parseDecision(`\`\`\`json\n${move}\n`, 'f').kind, 'malformed-json');
});

test('each way a decision can be wrong gives its own kind and one line naming the file', (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, decision.DECISION_FILE);
  assertProblem(decision.readDecision(file), 'missing', file);

  const cases = [
    ['not json {', 'malformed-json', 'not valid JSON'],
    ['', 'malformed-json', 'not valid JSON'],
    ['[1,2]', 'malformed-json', 'an array'],
    ['"noop"', 'malformed-json', 'string'],
    ['{"cmd":"ls"}', 'unknown-action', 'no "action"'],
    ['{"action":"format_disk"}', 'unknown-action', 'format_disk'],
    ['{"action":5}', 'unknown-action', 'unknown'],
    ['{"action":"run_shell","cmd":42}', 'invalid-fields', 'cmd'],
    ['{"action":"start_worker","id":"w"}', 'invalid-fields', 'prompt'],
    ['{"action":"write_goal","id":"../../etc/passwd","body":"x"}', 'invalid-fields', 'path separator'],
    ['{"action":"archive_goal","id":"../x"}', 'invalid-fields', 'id'],
    ['{"action":"write_goal","id":"a\\n=== NOW ===","body":"x"}', 'invalid-fields', 'whitespace'],
  ];
  for (const [text, kind, needle] of cases) {
    fs.writeFileSync(file, text);
    assertProblem(decision.readDecision(file), kind, file, needle);
  }
});

test('a 10 MB decision is refused as too big without being read whole', (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, decision.DECISION_FILE);
  const body = 'x'.repeat(10 * 1024 * 1024);
  fs.writeFileSync(file, `{"action":"write_playbook","body":"${body}"}`);
  assertProblem(decision.readDecision(file), 'too-big', file, 'too big');
});

test('a decision that is a directory, a FIFO or a symlink is unreadable, never absent and never followed', (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, decision.DECISION_FILE);
  fs.mkdirSync(file);
  assertProblem(decision.readDecision(file), 'unreadable', file, 'could not be consumed');
  fs.rmdirSync(file);
  execFileSync('mkfifo', [file]);
  assertProblem(decision.readDecision(file), 'unreadable', file);
  fs.rmSync(file);
  const target = path.join(dir, 'elsewhere.json');
  fs.writeFileSync(target, '{"action":"noop"}');
  fs.symlinkSync(target, file);
  assertProblem(decision.readDecision(file), 'unreadable', file, 'symbolic link');
});

test('an over-long error stays one bounded line', () => {
  const r = decision.parseDecision(`{"action":"run_shell","cmd":${JSON.stringify('a'.repeat(100))},"reason":${'['.repeat(5000)}`, 'f');
  assert.equal(r.kind, 'malformed-json');
  assert.ok(r.message.length < 600, `message is ${r.message.length} chars`);
});
