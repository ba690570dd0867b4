import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { exitWithin, looop, looopBg, readJson, tempDataDir, waitForFile } from './helpers.mjs';

async function pendingAsk(t, dir, worker = 'w', prompt = 'q') {
  const ask = looopBg(t, dir, ['ask', worker, '--prompt', prompt]);
  await waitForFile(path.join(dir, 'asks', `${worker}-1.json`));
  return ask;
}

test('answer refuses an unknown ask, naming it and the next command', (t) => {
  const dir = tempDataDir(t);
  const r = looop(dir, ['answer', 'nope-1', 'hello']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no pending ask "nope-1"/);
  assert.match(r.stderr, /looop asks/);
  assert.equal(fs.existsSync(path.join(dir, 'answers', 'nope-1.json')), false);
});

test('answer validates the id and refuses empty text', (t) => {
  const dir = tempDataDir(t);
  for (const bad of ['../x', 'a b', '.x', 'a\u0007']) {
    const r = looop(dir, ['answer', bad, 'hi']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid ask id/);
  }
  const r = looop(dir, ['answer', 'w-1', '-'], { input: '   \n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /empty text/);
});

test('answer without --force refuses a second answer; --force replaces it', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  process.kill(ask.child.pid, 'SIGSTOP'); // hold the asker so both answers land before delivery
  t.after(() => {
    try {
      process.kill(ask.child.pid, 'SIGCONT');
    } catch {}
  });
  assert.equal(looop(dir, ['answer', 'w-1', 'first']).code, 0);
  const again = looop(dir, ['answer', 'w-1', 'second']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already answered \(answers\/w-1\.json\)/);
  assert.match(again.stderr, /--force/);
  assert.equal(readJson(path.join(dir, 'answers', 'w-1.json')).answer, 'first');
  const forced = looop(dir, ['answer', 'w-1', '--force', 'second']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(readJson(path.join(dir, 'answers', 'w-1.json')).answer, 'second');
  process.kill(ask.child.pid, 'SIGCONT');
  await exitWithin(ask, 10_000);
  assert.equal(ask.stdout, 'second\n');
});

test('answer reads stdin for - and for no text, trimming trailing whitespace', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  const r = looop(dir, ['answer', 'w-1', '-'], { input: 'line one\nline two\n\n' });
  assert.equal(r.code, 0, r.stderr);
  await exitWithin(ask, 10_000);
  assert.equal(ask.stdout, 'line one\nline two\n');
});

test('answer text that starts with a dash needs --', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  const r = looop(dir, ['answer', 'w-1', '--', '--yes', '007']);
  assert.equal(r.code, 0, r.stderr);
  await exitWithin(ask, 10_000);
  assert.equal(ask.stdout, '--yes 007\n');
});

test('answering a stranded ask records it and says nobody will read it', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  process.kill(ask.child.pid, 'SIGKILL');
  await exitWithin(ask, 10_000);
  const r = looop(dir, ['answer', 'w-1', 'too late']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /stranded/);
  assert.equal(readJson(path.join(dir, 'answers', 'w-1.json')).answer, 'too late');
});

test('10 racing first answers to one ask: exactly one wins, the rest are refused', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  const racers = Array.from({ length: 10 }, (_, i) => looopBg(t, dir, ['answer', 'w-1', `answer-${i}`]));
  const results = await Promise.all(racers.map((p) => exitWithin(p, 20_000, 'a racing answer')));
  const winners = racers.filter((_, i) => results[i].code === 0);
  const losers = racers.filter((_, i) => results[i].code !== 0);
  assert.equal(winners.length, 1, `winners: ${winners.map((w) => w.stdout + w.stderr).join(' | ')}`);
  for (const l of losers) {
    assert.equal(l.exited.code, 1);
    assert.match(l.stderr, /already answered/);
  }
  await exitWithin(ask, 10_000);
  const stored = readJson(path.join(dir, 'answers', 'archive', 'w', 'w-1.json')).answer;
  assert.match(winners[0].stdout, new RegExp(`w-1: ${stored}$`, 'm'));
  assert.equal(ask.stdout, `${stored}\n`);
});

test('50 concurrent asks answered by 50 concurrent answers: each delivered once, to the right asker', async (t) => {
  const dir = tempDataDir(t);
  const n = 50;
  const asks = Array.from({ length: n }, (_, i) => looopBg(t, dir, ['ask', `w${i}`, '--prompt', `question ${i}`]));
  await Promise.all(asks.map((_, i) => waitForFile(path.join(dir, 'asks', `w${i}-1.json`), 30_000)));
  const answers = Array.from({ length: n }, (_, i) => looopBg(t, dir, ['answer', `w${i}-1`, `reply for ${i}`]));
  const answered = await Promise.all(answers.map((p) => exitWithin(p, 30_000, 'an answer')));
  answered.forEach((r, i) => assert.equal(r.code, 0, answers[i].stderr));
  const exits = await Promise.all(asks.map((p) => exitWithin(p, 30_000, 'an ask to deliver')));
  exits.forEach((r, i) => {
    assert.equal(r.code, 0, asks[i].stderr);
    assert.equal(asks[i].stdout, `reply for ${i}\n`, `asker ${i} got the wrong answer`);
    const rec = readJson(path.join(dir, 'asks', 'archive', `w${i}`, `w${i}-1.json`));
    assert.equal(rec.state, 'delivered');
    assert.equal(rec.context.answer.file, `answers/w${i}-1.json`);
  });
});
