// The decider runner: real bash processes in a real data dir. The prompt goes in as a
// quoted path or on stdin, output comes back as lines, and a deadline ends the whole
// process group. The spawner is injectable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { tempDataDir, waitFor } from './helpers.mjs';
import { decideRunner, processIdentity } from '../dist/lib.mjs';

function setup(t, prompt = 'the prompt\n=== NOW ===\n') {
  const dir = tempDataDir(t);
  const runDir = path.join(dir, 'runs', "tick 1 it's $HOME");
  fs.mkdirSync(runDir, { recursive: true });
  const promptFile = path.join(runDir, 'prompt.md');
  fs.writeFileSync(promptFile, prompt);
  return { dir, promptFile };
}

/** Waits until the group has no live member (SIGKILL'd members take a moment to leave /proc; no event says so). */
async function groupGone(pgid) {
  await waitFor(() => processIdentity.liveGroupMembers(pgid).length === 0, {
    what: `runner group ${pgid} to be empty`,
    describe: () => `live members: ${processIdentity.liveGroupMembers(pgid).join(', ')}`,
  });
}

function run(spec) {
  const lines = [];
  return decideRunner.runDecider({ deadlineMs: 60_000, env: process.env, onLine: (l) => lines.push(l), ...spec }).then((r) => ({ r, lines }));
}

test('{{prompt_file}} becomes the shell-quoted path, the runner runs in the data dir and can write the decision', async (t) => {
  const { dir, promptFile } = setup(t);
  const { r, lines } = await run({
    dataDir: dir,
    promptFile,
    tickCommand: `cp "{{prompt_file}}" got.md && echo '{"action":"noop"}' > .decision.json && echo done; echo oops >&2`,
  });
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  assert.equal(fs.readFileSync(path.join(dir, 'got.md'), 'utf8'), fs.readFileSync(promptFile, 'utf8'));
  assert.equal(fs.readFileSync(path.join(dir, '.decision.json'), 'utf8'), '{"action":"noop"}\n');
  assert.deepEqual(lines, ['done', 'oops'], 'stderr is merged into the line stream');
});

test('without the placeholder the prompt arrives on stdin', async (t) => {
  const { dir, promptFile } = setup(t);
  const { r } = await run({ dataDir: dir, promptFile, tickCommand: 'cat > got.md' });
  assert.equal(r.kind, 'ok');
  assert.equal(fs.readFileSync(path.join(dir, 'got.md'), 'utf8'), 'the prompt\n=== NOW ===\n');
});

test('a runner ending in a comment still runs and closes its group', async (t) => {
  const { dir, promptFile } = setup(t);
  const { r, lines } = await run({ dataDir: dir, promptFile, tickCommand: 'echo hi # {{prompt_file}}' });
  assert.equal(r.kind, 'ok');
  assert.deepEqual(lines, ['hi']);
});

test('a non-zero exit, a missing prompt and a failing spawner each give their own cause', async (t) => {
  const { dir, promptFile } = setup(t);
  const failed = await run({ dataDir: dir, promptFile, tickCommand: 'echo bad; exit 3' });
  assert.equal(failed.r.kind, 'exited');
  assert.match(failed.r.cause, /exit 3/);
  assert.deepEqual(failed.lines, ['bad']);

  const missing = await run({ dataDir: dir, promptFile: path.join(dir, 'nope.md'), tickCommand: 'cat' });
  assert.equal(missing.r.kind, 'prompt-unreadable');
  assert.match(missing.r.cause, /nope\.md/);

  const thrown = await run({ dataDir: dir, promptFile, tickCommand: 'true', spawn: () => { throw new Error('no bash here'); } });
  assert.deepEqual([thrown.r.kind, thrown.r.cause], ['spawn-failed', 'cannot start the tick runner: no bash here']);

  const noDir = await run({ dataDir: path.join(dir, 'gone'), promptFile, tickCommand: 'true' });
  assert.equal(noDir.r.kind, 'spawn-failed');
});

test('the injected spawner is the one used, with the runner in its own process group', async (t) => {
  const { dir, promptFile } = setup(t);
  const calls = [];
  const { r } = await run({
    dataDir: dir,
    promptFile,
    tickCommand: 'echo $$ > leader.pid; ps -o pgid= -p $$ | tr -d " " > group.txt',
    spawn: (file, args, options) => {
      calls.push({ file, args, detached: options.detached, cwd: options.cwd });
      return spawn(file, args, options);
    },
  });
  assert.equal(r.kind, 'ok');
  assert.equal(calls.length, 1);
  assert.deepEqual([calls[0].file, calls[0].args[0], calls[0].detached, calls[0].cwd], ['bash', '-c', true, dir]);
  const leader = fs.readFileSync(path.join(dir, 'leader.pid'), 'utf8').trim();
  assert.equal(fs.readFileSync(path.join(dir, 'group.txt'), 'utf8').trim(), leader, 'the runner leads its own process group');
});

test('a runner that hangs past its deadline is killed with its whole group', async (t) => {
  const { dir, promptFile } = setup(t);
  const { r } = await run({
    dataDir: dir,
    promptFile,
    deadlineMs: 500,
    tickCommand: 'sleep 300 & echo $! > child.pid; echo started; wait',
  });
  assert.equal(r.kind, 'timed-out', JSON.stringify(r));
  assert.match(r.cause, /timed out/);
  assert.match(r.cause, /process group was killed/);
  await groupGone(r.pid);
});

test('a runner that exits at once but leaves a child behind does not hold the beat', async (t) => {
  const { dir, promptFile } = setup(t);
  const { r } = await run({ dataDir: dir, promptFile, tickCommand: 'sleep 300 & echo $! > child.pid; echo left' });
  assert.equal(r.kind, 'ok');
  await groupGone(r.pid);
});

test('output with invalid UTF-8 and no final newline still comes through as lines', async (t) => {
  const { dir, promptFile } = setup(t);
  const { r, lines } = await run({ dataDir: dir, promptFile, tickCommand: "printf 'a\\377b\\r\\nlast'" });
  assert.equal(r.kind, 'ok');
  assert.deepEqual(lines, ['a\uFFFDb', 'last']);
});

test('runnerScript fills the placeholder once, quoted, whatever quotes the template used', () => {
  const p = "/d/it's $x.md";
  for (const tpl of ['cat {{prompt_file}}', 'cat "{{prompt_file}}"', "cat '{{prompt_file}}'"]) {
    assert.equal(decideRunner.runnerScript(tpl, p), `{ cat '/d/it'\\''s $x.md'\n} 2>&1`);
  }
  assert.equal(decideRunner.runnerScript('claude -p', p), '{ claude -p\n} 2>&1');
});
