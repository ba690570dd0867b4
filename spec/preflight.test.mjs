// The runner preflight (reference §1.3, tests §11.4): the programs tick_command and
// worker_command start must exist before a verb launches them; what cannot be told
// without a shell is not checked; missing programs are listed once each, with hints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDataDir } from './helpers.mjs';
import { runnerPreflight, commandProgram, installAdvice } from '../dist/lib.mjs';

/** A data dir and a PATH holding only an executable `fakeclaude` (and node's dir for nothing else). */
function setup(t) {
  const dir = tempDataDir(t);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'fakeclaude'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'notexec'), '#!/bin/sh\n', { mode: 0o644 });
  return { dir, where: { env: { PATH: bin, HOME: dir }, cwd: dir } };
}

const cfg = (tickCommand, workerCommand = 'fakeclaude "$(cat {{prompt_file}})"') => ({ tickCommand, workerCommand });

test('the program is found past env assignments and quotes; a shell variable or unparseable word is not a program', () => {
  const table = [
    ['claude -p', 'claude'],
    ['FOO=1 BAR=x_y claude -p', 'claude'],
    ['9X=1 claude', '9X=1'],
    ['', null],
    ['FOO=1 BAR=2', null],
    ['"claude" -p', 'claude'],
    ["'claude'", 'claude'],
    ["'/path/with spaces/claude' -p", '/path/with spaces/claude'],
    ['FOO=1 "/opt/my tools/pi" --model x', '/opt/my tools/pi'],
    ['"$LOOOP_BIN" _ decide', null],
    ['$LOOOP_BIN decide', null],
    ["'unterminated -p", null],
    ["'' -p", null],
    ['"" -p', null],
    ['"a\\"b" {{prompt_file}}', null],
    ['/no\\ such/claude -p', null],
    ['cl"au"de -p', null],
  ];
  for (const [command, want] of table) assert.equal(commandProgram(command), want, command);
});

test('present programs pass: on PATH, by a path from the data dir, after env assignments', (t) => {
  const { where } = setup(t);
  assert.deepEqual(runnerPreflight(cfg('fakeclaude -p'), where), { ok: true });
  assert.deepEqual(runnerPreflight(cfg('LANG=C FOO=1 fakeclaude -p', './bin/fakeclaude {{prompt_file}}'), where), { ok: true });
  assert.deepEqual(runnerPreflight(cfg(`"${path.join(where.cwd, 'bin', 'fakeclaude')}" -p`), where), { ok: true });
});

test('unparseable and shell-variable programs are not checked, so they pass', (t) => {
  const { where } = setup(t);
  assert.deepEqual(runnerPreflight(cfg('/no\\ such/claude -p', '"a\\"b" {{prompt_file}}'), where), { ok: true });
  assert.deepEqual(runnerPreflight(cfg('"$LOOOP_TICK_BIN" -p', '$LOOOP_WORKER_BIN {{prompt_file}}'), where), { ok: true });
});

test('a missing tick program is reported past its env assignments, with the install hint and the init pointer', (t) => {
  const { where } = setup(t);
  const r = runnerPreflight(cfg('ANTHROPIC_MODEL=x claude -p --output-format stream-json'), where);
  assert.equal(r.ok, false);
  assert.deepEqual(r.missing, [{ bin: 'claude', hint: 'see https://docs.claude.com/claude-code  (the default runner)', usedBy: ['tick_command'] }]);
  const lines = r.message.split('\n');
  assert.match(lines[0], /^looop: .*missing/);
  assert.match(lines[1], /^ {2}claude {4}install: {2}see https:\/\/docs\.claude\.com\/claude-code/);
  assert.equal(lines[2], '');
  assert.match(r.message, /Install the above/);
  assert.match(r.message, /`looop init`/);
});

test('missing tick and worker programs are listed together, each once, with a hint per runner', (t) => {
  const { where } = setup(t);
  let r = runnerPreflight(cfg('codex exec --json', 'pi --mode json {{prompt_file}}'), where);
  assert.equal(r.ok, false);
  assert.deepEqual(r.missing.map((m) => [m.bin, m.hint, m.usedBy]), [
    ['codex', 'see https://developers.openai.com/codex/cli', ['tick_command']],
    ['pi', 'see https://github.com/earendil-works/pi', ['worker_command']],
  ]);
  r = runnerPreflight(cfg('opencode run', 'opencode run "$(cat {{prompt_file}})"'), where);
  assert.deepEqual(r.missing, [{ bin: 'opencode', hint: 'see https://opencode.ai/docs', usedBy: ['tick_command', 'worker_command'] }], 'deduplicated');
  assert.equal(r.message.split('\n').filter((l) => l.includes('opencode')).length, 1);
  r = runnerPreflight(cfg('my-agent-xyz --go', './bin/notexec {{prompt_file}}'), where);
  assert.deepEqual(r.missing.map((m) => [m.bin, m.hint]), [
    ['my-agent-xyz', "see the tool's docs"],
    ['./bin/notexec', installAdvice('./bin/notexec')],
  ]);
  assert.match(installAdvice('./bin/notexec'), /fix the path/);
});

test('a program name carrying control characters cannot forge lines in the message', (t) => {
  const { where } = setup(t);
  const r = runnerPreflight(cfg("'evil\n\u001b[2Jx' -p"), where);
  assert.equal(r.ok, false);
  assert.equal(r.message.split('\n').length, 5, r.message);
  assert.ok(!r.message.includes('\u001b'), r.message);
});
