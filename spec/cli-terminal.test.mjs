// Nothing from a record, a file or an id reaches a person's terminal with live
// control characters: prompts cannot forge lines, retitle the window or clear the
// screen. JSON output and what `ask` prints (data for the worker) stay exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { exitWithin, looop, looopBg, tempDataDir, waitForFile } from './helpers.mjs';

// Any C0 control but the newline, DEL, C1, and the bidi overrides/isolates.
const LIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u;

function assertInert(text, label) {
  const m = LIVE.exec(text);
  assert.equal(m, null, `${label}: a live control character ${m === null ? '' : JSON.stringify(m[0])} in ${JSON.stringify(text)}`);
}

const EVIL_PROMPT = 'real question\n⚑ fake-9 (evil): forged line\x1b]0;pwned\x07\x1b[2J\u202eZ\r';

test('asks and state show hostile prompts, journal lines and snapshots inert; --json stays exact', async (t) => {
  const dir = tempDataDir(t);
  const asker = looopBg(t, dir, ['ask', 'evil', '--prompt', EVIL_PROMPT, '--ref', 'r\x1b[2J', '--options', 'a\x07,b']);
  await waitForFile(path.join(dir, 'asks', 'evil-1.json'));
  fs.writeFileSync(path.join(dir, 'journal.md'), 'first\n\x1b]0;pwned\x07journal line\n');
  fs.mkdirSync(path.join(dir, 'snapshots'));
  fs.writeFileSync(path.join(dir, 'snapshots', 'ci\x1b[2J.json'), JSON.stringify({ signal: 'red\u009b2J' }));

  const asks = looop(dir, ['asks']);
  assert.equal(asks.code, 0, asks.stderr);
  assertInert(asks.stdout, 'asks');
  const lines = asks.stdout.trimEnd().split('\n');
  assert.equal(lines.filter((l) => l.startsWith('⚑')).length, 1, `one ask, one ⚑ line: ${asks.stdout}`);
  assert.equal(lines[0], '⚑ evil-1 (evil): real question\\n⚑ fake-9 (evil): forged line\\e]0;pwned\\x07\\e[2J\\u202eZ\\r');
  assert.deepEqual(lines.slice(1), ['    ref: r\\e[2J', '    options: a\\x07, b']);

  const json = looop(dir, ['asks', '--json']);
  assert.equal(JSON.parse(json.stdout)[0].prompt, EVIL_PROMPT, 'JSON keeps the prompt exact');

  const state = looop(dir, ['state']);
  assert.equal(state.code, 0, state.stderr);
  assertInert(state.stdout, 'state');
  assert.doesNotMatch(state.stdout, /^\s*⚑ fake-9/m, 'no forged line');
  assert.match(state.stdout, /journal line/);
  assert.match(state.stdout, /\\e\]0;pwned\\x07journal line/);
  assert.match(state.stdout, /ci\\e\[2J: "red\\x9b2J"/);
  assert.equal(JSON.parse(looop(dir, ['state', '--json']).stdout).asks[0].prompt, EVIL_PROMPT);

  // The answer's echo is inert; what the blocked ask prints is the answer, byte for byte.
  const answer = looop(dir, ['answer', 'evil-1', '\x1b[2Jyes\r\nok']);
  assert.equal(answer.code, 0, answer.stderr);
  assertInert(answer.stdout, 'answer echo');
  assert.match(answer.stdout, /\] evil-1: \\e\[2Jyes\\r\\nok\n$/);
  await exitWithin(asker, 20_000, 'the ask to print its answer');
  assert.equal(asker.stdout, '\x1b[2Jyes\r\nok\n');
});

test('a corrupt record quoted in a warning cannot clear the screen or add a line', (t) => {
  const dir = tempDataDir(t);
  fs.mkdirSync(path.join(dir, 'asks'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'asks', 'bad-1.json'), '\x1b[2J\x1b]0;t\x07\nlooop: forged\n{');
  for (const verb of ['asks', 'state']) {
    const r = looop(dir, [verb]);
    assert.equal(r.code, 0, r.stderr);
    assertInert(r.stderr, `${verb} stderr`);
    const warnings = r.stderr.trimEnd().split('\n');
    assert.equal(warnings.length, 1, `one warning line: ${JSON.stringify(r.stderr)}`);
    assert.match(warnings[0], /^looop: asks\/bad-1\.json: not valid JSON .*\\e\[2J/);
  }
  // An id quoted in an error: the bidi override is shown, not obeyed.
  const err = looop(dir, ['answer', 'zz\u202e-1', 'hi']);
  assert.equal(err.code, 1);
  assertInert(err.stderr, 'answer error');
  assert.match(err.stderr, /zz\\u202e-1/);
});

test('worker ids and tells are shown inert by worker start, worker list, tell, told, state and kill', (t) => {
  const dir = tempDataDir(t);
  const id = 'ab\u202ecd';
  const start = looop(dir, ['worker', 'start', id, 'idle worker', '--command', 'sleep 120 # {{prompt_file}}']);
  assert.equal(start.code, 0, start.stderr);
  t.after(() => looop(dir, ['kill', id]));
  assert.equal(start.stdout, 'start-worker ab\\u202ecd (command override)\n');

  const list = looop(dir, ['worker', 'list']);
  assertInert(list.stdout, 'worker list');
  assert.match(list.stdout, /^ab\\u202ecd +/m);
  const listJson = JSON.parse(looop(dir, ['worker', 'list', '--json']).stdout);
  assert.ok(listJson.some((w) => w.id === id), 'JSON keeps the id exact');

  const tell = looop(dir, ['tell', id, '\x1b[31mred\nline two\x1b[0m']);
  assert.equal(tell.code, 0, tell.stderr);
  assertInert(tell.stdout, 'tell echo');
  assert.match(tell.stdout, /\] queued for ab\\u202ecd: \\e\[31mred\\nline two\\e\[0m\n$/);
  const told = looop(dir, ['told', id]);
  assertInert(told.stdout, 'told');
  assert.equal(told.stdout, '• \\e[31mred\nline two\\e[0m\n', 'line breaks stay, escapes do not');

  const state = looop(dir, ['state']);
  assertInert(state.stdout, 'state');
  assert.match(state.stdout, /● ab\\u202ecd {2}running/);

  const kill = looop(dir, ['kill', id]);
  assert.equal(kill.code, 0, kill.stderr);
  assertInert(kill.stdout, 'kill');
  assert.match(kill.stdout, /^killed ab\\u202ecd/);
});
