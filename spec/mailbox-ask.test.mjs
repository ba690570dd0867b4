import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { exitWithin, looop, looopAsync, looopBg, readJson, tempDataDir, waitFor, waitForFile } from './helpers.mjs';

async function blockedAsk(t, dir, args, env = {}) {
  const proc = looopBg(t, dir, ['ask', ...args], { env });
  return proc;
}

test('ask blocks until answered and prints only the answer', async (t) => {
  const dir = tempDataDir(t);
  const ask = await blockedAsk(t, dir, ['w1', '--prompt', 'Ship it?', '--options', 'yes,no', '--ref', 'reports/w1.md']);
  await waitForFile(path.join(dir, 'asks', 'w1-1.json'));
  assert.equal(ask.exited, null, 'ask must still be blocked before the answer');
  const rec = readJson(path.join(dir, 'asks', 'w1-1.json'));
  assert.equal(rec.state, 'pending');
  assert.equal(rec.machine, 'ask@1');
  assert.deepEqual(rec.context.options, ['yes', 'no']);
  assert.equal(rec.context.reference, 'reports/w1.md');
  const ans = looop(dir, ['answer', 'w1-1', 'yes,', 'ship', 'it']);
  assert.equal(ans.code, 0, ans.stderr);
  assert.match(ans.stdout, /w1-1: yes, ship it/);
  const { code } = await exitWithin(ask, 10_000, 'the ask to print its answer');
  assert.equal(code, 0, ask.stderr);
  assert.equal(ask.stdout, 'yes, ship it\n');
  // Delivered asks leave asks/ and answers/ for their archive, so readers never scan history.
  assert.equal(fs.existsSync(path.join(dir, 'asks', 'w1-1.json')), false);
  assert.equal(readJson(path.join(dir, 'asks', 'archive', 'w1', 'w1-1.json')).state, 'delivered');
  assert.equal(readJson(path.join(dir, 'answers', 'archive', 'w1', 'w1-1.json')).answer, 'yes, ship it');
  assert.deepEqual(fs.readdirSync(path.join(dir, 'answers')), ['archive']);
});

test('ask takes the worker id from $LOOOP_SESSION_ID and numbers asks per worker', async (t) => {
  const dir = tempDataDir(t);
  const a1 = await blockedAsk(t, dir, ['--prompt', 'first'], { LOOOP_SESSION_ID: 'triage' });
  await waitForFile(path.join(dir, 'asks', 'triage-1.json'));
  assert.equal(looop(dir, ['answer', 'triage-1', 'one']).code, 0);
  await exitWithin(a1, 10_000);
  const a2 = await blockedAsk(t, dir, ['--prompt', 'second'], { LOOOP_SESSION_ID: 'triage' });
  await waitForFile(path.join(dir, 'asks', 'triage-2.json'));
  assert.equal(looop(dir, ['answer', 'triage-2', 'two']).code, 0);
  await exitWithin(a2, 10_000);
  assert.equal(a1.stdout, 'one\n');
  assert.equal(a2.stdout, 'two\n');
});

test('ask usage errors exit 1 with a one-line reason', async (t) => {
  const dir = tempDataDir(t);
  const bads = ['../evil', 'has space', 'tab\there', 'esc\u001b', '.hidden', 'a/b'];
  // Independent refusals: run side by side rather than paying nine start-ups in a row.
  const [noWorker, noPrompt, blank, ...badIds] = await Promise.all([
    looopAsync(dir, ['ask', '--prompt', 'x']),
    looopAsync(dir, ['ask', 'w']),
    looopAsync(dir, ['ask', 'w', '--prompt', '   ']),
    ...bads.map((bad) => looopAsync(dir, ['ask', bad, '--prompt', 'q'])),
  ]);
  assert.equal(noWorker.code, 1);
  assert.match(noWorker.stderr, /no worker id/);
  assert.match(noWorker.stderr, /LOOOP_SESSION_ID/);
  assert.equal(noPrompt.code, 1);
  assert.match(noPrompt.stderr, /--prompt/);
  assert.equal(blank.code, 1);
  assert.match(blank.stderr, /empty --prompt/);
  for (const [i, r] of badIds.entries()) {
    assert.equal(r.code, 1, `worker id ${JSON.stringify(bads[i])} must be refused`);
    assert.match(r.stderr, /invalid worker id/);
    assert.equal(r.stdout, '');
  }
  const asksDir = path.join(dir, 'asks');
  assert.deepEqual(fs.existsSync(asksDir) ? fs.readdirSync(asksDir) : [], [], 'nothing was written');
});

test('ask reports a vanished ask record and exits 1', async (t) => {
  const dir = tempDataDir(t);
  const ask = await blockedAsk(t, dir, ['w', '--prompt', 'q']);
  const file = path.join(dir, 'asks', 'w-1.json');
  await waitForFile(file);
  fs.unlinkSync(file);
  const { code } = await exitWithin(ask, 10_000, 'the ask to notice its record vanished');
  assert.equal(code, 1);
  assert.equal(ask.stdout, '');
  assert.match(ask.stderr, /vanished/);
  assert.match(ask.stderr, /asks\/w-1\.json/);
});

test('LOOOP_ASK_TIMEOUT_S ends the wait with exit 1 and strands the ask', async (t) => {
  const dir = tempDataDir(t);
  const ask = await blockedAsk(t, dir, ['w', '--prompt', 'q'], { LOOOP_ASK_TIMEOUT_S: '0.3' });
  const { code } = await exitWithin(ask, 10_000, 'the ask to time out');
  assert.equal(code, 1);
  assert.match(ask.stderr, /timed out/);
  assert.match(ask.stderr, /LOOOP_ASK_TIMEOUT_S/);
  const rec = readJson(path.join(dir, 'asks', 'w-1.json'));
  assert.equal(rec.state, 'stranded');
  assert.match(rec.context.stranded.reason, /timed out/);
  assert.equal(JSON.parse(looop(dir, ['asks', '--json']).stdout).length, 0);
});

test('a corrupt answer file is reported, and a forced answer still reaches the asker', async (t) => {
  const dir = tempDataDir(t);
  const ask = await blockedAsk(t, dir, ['w', '--prompt', 'q'], { LOOOP_ANSWER_SETTLE_MS: '20' });
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  fs.writeFileSync(path.join(dir, 'answers', 'w-1.json'), '{"answer": tru');
  await waitFor(() => /answers\/w-1\.json/.test(ask.stderr), { what: 'the ask to report the corrupt answer', describe: () => JSON.stringify(ask.stderr) });
  assert.match(ask.stderr, /not valid JSON/);
  assert.match(ask.stderr, /looop answer w-1 --force/);
  assert.equal(ask.exited, null, 'a corrupt answer must not end the ask: the human can repair it');
  const r = looop(dir, ['answer', 'w-1', '--force', 'repaired']);
  assert.equal(r.code, 0, r.stderr);
  await exitWithin(ask, 10_000);
  assert.equal(ask.stdout, 'repaired\n');
});

test('kill -9 of a blocked ask damages nothing; the next ask gets the next id', async (t) => {
  const dir = tempDataDir(t);
  const ask = await blockedAsk(t, dir, ['w', '--prompt', 'first']);
  const first = path.join(dir, 'asks', 'w-1.json');
  await waitForFile(first);
  const before = fs.readFileSync(first);
  process.kill(ask.child.pid, 'SIGKILL');
  await exitWithin(ask, 10_000);
  assert.deepEqual(fs.readFileSync(first), before, 'the killed ask left its record intact');
  const again = await blockedAsk(t, dir, ['w', '--prompt', 'second']);
  await waitForFile(path.join(dir, 'asks', 'w-2.json'));
  const listed = JSON.parse(looop(dir, ['asks', '--json']).stdout);
  assert.deepEqual(listed.map((a) => a.id), ['w-2'], 'the dead ask is no longer waiting for a human');
  const state = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.deepEqual(state.stranded_asks.map((a) => a.id), ['w-1']);
  assert.equal(readJson(first).state, 'stranded');
  assert.equal(looop(dir, ['answer', 'w-2', 'go']).code, 0);
  await exitWithin(again, 10_000);
  assert.equal(again.stdout, 'go\n');
  const leftovers = fs.readdirSync(path.join(dir, 'asks')).filter((n) => n.startsWith('.'));
  assert.deepEqual(leftovers, [], 'no temp or token files left behind');
});
