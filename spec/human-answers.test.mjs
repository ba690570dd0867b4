// A person (or an editor, or a script) answers by creating answers/<id>.txt|.md|.json.
// Every way of writing the file must deliver the complete text exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { exitWithin, looopBg, readJson, tempDataDir, waitFor, waitForFile } from './helpers.mjs';

async function pendingAsk(t, dir, env = {}) {
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q'], { env });
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  return ask;
}

async function delivered(ask) {
  const { code } = await exitWithin(ask, 15_000, 'the ask to deliver the hand-written answer');
  assert.equal(code, 0, ask.stderr);
  return ask.stdout;
}

test('an editor that saves via a temp file and rename', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  const tmp = path.join(dir, 'answers', '.w-1.txt.swp');
  fs.writeFileSync(tmp, 'Approved.\nGo ahead with the migration.\n');
  fs.renameSync(tmp, path.join(dir, 'answers', 'w-1.txt'));
  assert.equal(await delivered(ask), 'Approved.\nGo ahead with the migration.\n');
  // Delivered: the record and its answer leave the live directories for the archive.
  assert.equal(readJson(path.join(dir, 'asks', 'archive', 'w', 'w-1.json')).context.answer.file, 'answers/w-1.txt');
  assert.equal(fs.readFileSync(path.join(dir, 'answers', 'archive', 'w', 'w-1.txt'), 'utf8'), 'Approved.\nGo ahead with the migration.\n');
});

test('echo > answers/<id>.md from a shell', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  const r = spawnSync('sh', ['-c', `echo 'ship it' > "${path.join(dir, 'answers', 'w-1.md')}"`]);
  assert.equal(r.status, 0);
  assert.equal(await delivered(ask), 'ship it\n');
});

test('a file written in two chunks some milliseconds apart', async (t) => {
  const dir = tempDataDir(t);
  // The writer pauses 60 ms; on a loaded machine its timer can fire far later, so the
  // settle window here is wide enough that the test checks the rule, not the scheduler.
  const ask = await pendingAsk(t, dir, { LOOOP_ANSWER_SETTLE_MS: '2000' });
  const file = path.join(dir, 'answers', 'w-1.txt');
  // One writer, one descriptor, a pause between the halves (as a slow editor or pipe would).
  const writer = spawnSync(
    process.execPath,
    ['-e', `const fs=require('fs');const fd=fs.openSync(process.argv[1],'w');fs.writeSync(fd,'first half, ');setTimeout(()=>{fs.writeSync(fd,'second half');fs.closeSync(fd)},60)`, file],
  );
  assert.equal(writer.status, 0);
  assert.equal(await delivered(ask), 'first half, second half\n');
});

test('a file created empty and filled later', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  const file = path.join(dir, 'answers', 'w-1.txt');
  fs.writeFileSync(file, '');
  // The empty file must not be delivered; the asker must still be waiting once it has looked.
  const askRec = path.join(dir, 'asks', 'w-1.json');
  assert.equal(readJson(askRec).state, 'pending');
  fs.appendFileSync(file, 'filled in later');
  assert.equal(await delivered(ask), 'filled in later\n');
});

test('a hand-written JSON answer with a text field', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  fs.writeFileSync(path.join(dir, 'answers', 'w-1.json'), JSON.stringify({ text: 'from json' }));
  assert.equal(await delivered(ask), 'from json\n');
});

test('a hand-written answer is refused by a later `looop answer` without --force', async (t) => {
  const dir = tempDataDir(t);
  const ask = await pendingAsk(t, dir);
  process.kill(ask.child.pid, 'SIGSTOP');
  t.after(() => {
    try {
      process.kill(ask.child.pid, 'SIGCONT');
    } catch {}
  });
  fs.writeFileSync(path.join(dir, 'answers', 'w-1.txt'), 'by hand\n');
  const { looop } = await import('./helpers.mjs');
  const r = looop(dir, ['answer', 'w-1', 'by command']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /already answered \(answers\/w-1\.txt\)/);
  process.kill(ask.child.pid, 'SIGCONT');
  assert.equal(await delivered(ask), 'by hand\n');
});

test('a plain-text answer is not delivered while its writer still holds it open', async (t) => {
  const dir = tempDataDir(t);
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q'], { env: { LOOOP_ANSWER_SETTLE_MS: '50' } });
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  const file = path.join(dir, 'answers', 'w-1.txt');
  // One descriptor across both writes; the test, not a timer, decides when the second comes.
  const writer = spawn(
    process.execPath,
    [
      '-e',
      `const fs=require('fs');const fd=fs.openSync(process.argv[1],'w');fs.writeSync(fd,'first half, ');process.stdout.write('half\\n');
       process.stdin.once('data',()=>{fs.writeSync(fd,'second half');fs.closeSync(fd);process.exit(0);});`,
      file,
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  t.after(() => writer.exitCode === null && writer.kill('SIGKILL'));
  await new Promise((resolve) => writer.stdout.once('data', resolve));
  // The first half has settled: the asker must see the writer and hold off, saying so once.
  await waitFor(() => /answers\/w-1\.txt is still open for writing/.test(ask.stderr) || ask.exited !== null, {
    what: 'the ask to wait for the writer',
    describe: () => `stdout=${JSON.stringify(ask.stdout)} stderr=${JSON.stringify(ask.stderr)}`,
  });
  assert.equal(ask.stdout, '', 'half an answer was delivered');
  assert.match(ask.stderr, new RegExp(`pid ${writer.pid}`));
  writer.stdin.write('go\n');
  assert.equal(await delivered(ask), 'first half, second half\n');
});
