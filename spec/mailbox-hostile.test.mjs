// Anything can land in the mailbox: FIFOs, symlinks, directories, huge or unreadable
// files. Every reader opens without blocking or following links, names the bad file
// in one line, and carries on: a bad file never costs a worker its answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, envFor, exitWithin, looop, looopBg, readJson, tempDataDir, waitFor, waitForFile } from './helpers.mjs';

function tell(dir, id, worker, msg) {
  fs.mkdirSync(path.join(dir, 'tells'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'tells', `${id}.json`), `${JSON.stringify({ v: 1, id, worker, msg, ts: 1 })}\n`);
}

function noStack(stderr) {
  assert.doesNotMatch(stderr, /internal error|\n\s+at /, `no stack trace; stderr:\n${stderr}`);
}

test('a FIFO in tells/ never hangs an ask: the answer is delivered and the FIFO named', async (t) => {
  const dir = tempDataDir(t);
  fs.mkdirSync(path.join(dir, 'tells'), { recursive: true });
  execFileSync('mkfifo', [path.join(dir, 'tells', 'x-1.json')]);
  tell(dir, 'x-2', 'x', 'mind the FIFO');
  const ask = looopBg(t, dir, ['ask', 'x', '--prompt', 'go?']);
  await waitForFile(path.join(dir, 'asks', 'x-1.json'));
  assert.equal(looop(dir, ['answer', 'x-1', 'yes']).code, 0);
  const { code } = await exitWithin(ask, 15_000, 'the ask to deliver past a FIFO in tells/ (it hangs when it opens the FIFO)');
  assert.equal(code, 0, ask.stderr);
  assert.match(ask.stdout, /• mind the FIFO\n---\nyes\n$/, 'the good tell still rides on the answer');
  assert.match(ask.stderr, /tells\/x-1\.json is a FIFO/);
  noStack(ask.stderr);
  assert.equal(fs.lstatSync(path.join(dir, 'tells', 'x-1.json')).isFIFO(), true, 'the FIFO is left where it was, never moved');
});

test('a directory symlink or junk in tells/ never crashes ask or told, and the worker gets its answer', async (t) => {
  const dir = tempDataDir(t);
  fs.mkdirSync(path.join(dir, 'tells'), { recursive: true });
  fs.symlinkSync(dir, path.join(dir, 'tells', 'x-1.json'));
  fs.mkdirSync(path.join(dir, 'tells', 'x-3.json'));
  tell(dir, 'x-2', 'x', 'hello');
  // A tell whose content names another entry: delivery moves the entry it was read from.
  fs.writeFileSync(path.join(dir, 'tells', 'x-4.json'), `${JSON.stringify({ v: 1, id: 'x-1', worker: 'x', msg: 'renamed?', ts: 2 })}\n`);
  const ask = looopBg(t, dir, ['ask', 'x', '--prompt', 'go?']);
  await waitForFile(path.join(dir, 'asks', 'x-1.json'));
  assert.equal(looop(dir, ['answer', 'x-1', 'yes']).code, 0);
  const { code } = await exitWithin(ask, 15_000, 'the ask to deliver');
  assert.equal(code, 0, ask.stderr);
  assert.match(ask.stdout, /• hello\n• renamed\?\n---\nyes\n$/);
  assert.match(ask.stderr, /tells\/x-1\.json is a symbolic link/);
  assert.match(ask.stderr, /tells\/x-3\.json is a directory/);
  noStack(ask.stderr);
  assert.equal(fs.lstatSync(path.join(dir, 'tells', 'x-1.json')).isSymbolicLink(), true, 'the symlink is never moved');
  assert.equal(JSON.parse(looop(dir, ['state', '--json']).stdout).stranded_asks.length, 0);

  tell(dir, 'x-5', 'x', 'later');
  const told = looop(dir, ['told', 'x']);
  assert.equal(told.code, 0, told.stderr);
  assert.equal(told.stdout, '• later\n');
  assert.match(told.stderr, /tells\/x-1\.json is a symbolic link/);
  noStack(told.stderr);
});

test('an unreadable tell is named and skipped', async (t) => {
  const dir = tempDataDir(t);
  tell(dir, 'x-1', 'x', 'secret');
  tell(dir, 'x-2', 'x', 'readable');
  const bad = path.join(dir, 'tells', 'x-1.json');
  let told;
  if (process.getuid?.() === 0) {
    // Root reads every file: run `told` as nobody in a data dir nobody owns, beside a tell only root may read.
    execFileSync('chown', ['-R', '65534:65534', dir]);
    fs.chownSync(bad, 0, 0);
    fs.chmodSync(bad, 0o600);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, 'told', 'x'], { env: envFor(dir), encoding: 'utf8', timeout: 20_000 });
    told = { code: r.status, stdout: r.stdout, stderr: r.stderr };
  } else {
    fs.chmodSync(bad, 0o000);
    told = looop(dir, ['told', 'x']);
  }
  assert.equal(told.code, 0, told.stderr);
  assert.match(told.stderr, /tells\/x-1\.json cannot be read/);
  assert.equal(told.stdout, '• readable\n', 'the readable tell is still delivered');
  assert.ok(fs.existsSync(bad), 'the unreadable tell is left where it is');
  noStack(told.stderr);
});

test('an answer file that is a symlink is refused, never followed, and a real answer still arrives', async (t) => {
  const dir = tempDataDir(t);
  const secret = path.join(dir, 'secret.txt');
  fs.writeFileSync(secret, 'root:x:0:0:the password file\n');
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q'], { env: { LOOOP_ANSWER_SETTLE_MS: '0' } });
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  fs.symlinkSync(secret, path.join(dir, 'answers', 'w-1.txt'));
  await waitFor(() => /answers\/w-1\.txt is a symbolic link/.test(ask.stderr) || ask.exited !== null, {
    what: 'the refusal of the symlinked answer',
    describe: () => `stdout=${JSON.stringify(ask.stdout)} stderr=${JSON.stringify(ask.stderr)}`,
  });
  assert.equal(ask.stdout, '', 'the symlink target is never printed');
  assert.equal(ask.exited, null, 'the ask keeps waiting for a real answer');
  const r = looop(dir, ['answer', 'w-1', '--force', 'the real answer']);
  assert.equal(r.code, 0, r.stderr);
  await exitWithin(ask, 10_000);
  assert.equal(ask.stdout, 'the real answer\n');
});

test('the 4 MB answer limit holds for what is read, not for a size seen before the read', async (t) => {
  const dir = tempDataDir(t);
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q'], { env: { LOOOP_ANSWER_SETTLE_MS: '0' } });
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  // The answer's name flips between a small file and a complete 52 MB JSON answer
  // (as a file written in 1 MB chunks grows between a stat and a read): a reader
  // that checks the size, then opens the name again, reads the big one.
  const answers = path.join(dir, 'answers');
  fs.writeFileSync(path.join(answers, '.small'), '{"answer":"');
  fs.writeFileSync(path.join(answers, '.big'), `{"answer":"${'a'.repeat(52 << 20)}"}`);
  const flipper = spawn(
    process.execPath,
    [
      '-e',
      `const fs=require('fs'),p=require('path'),d=process.argv[1];const f=p.join(d,'w-1.json');
       for(let i=0;i<30000;i++){const src=p.join(d,i%2?'.small':'.big'),tmp=p.join(d,'.flip');fs.linkSync(src,tmp);fs.renameSync(tmp,f);}
       fs.rmSync(f);`,
      answers,
    ],
    { stdio: 'ignore' },
  );
  t.after(() => flipper.exitCode === null && flipper.kill('SIGKILL'));
  await new Promise((resolve) => flipper.on('close', resolve));
  assert.equal(ask.stdout.length, 0, `the ask printed ${ask.stdout.length} bytes of an answer over the limit`);
  const r = looop(dir, ['answer', 'w-1', '--force', 'small']);
  assert.equal(r.code, 0, r.stderr);
  await exitWithin(ask, 20_000, 'the ask to deliver the small answer');
  assert.equal(ask.stdout, 'small\n');
});

test('state and wait name hostile files in goals/, snapshots/, journal.md and PLAYBOOK.md, and carry on', (t) => {
  const dir = tempDataDir(t);
  for (const d of ['goals', 'snapshots']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  execFileSync('mkfifo', [path.join(dir, 'goals', 'stuck.md')]);
  fs.writeFileSync(path.join(dir, 'goals', 'ship.md'), 'ship it\n');
  execFileSync('mkfifo', [path.join(dir, 'snapshots', 'fifo.json')]);
  fs.symlinkSync('/etc/passwd', path.join(dir, 'snapshots', 'link.json'));
  fs.writeFileSync(path.join(dir, 'snapshots', 'good.json'), '{"n":1}');
  fs.mkdirSync(path.join(dir, 'journal.md'));
  fs.symlinkSync('/etc/passwd', path.join(dir, 'PLAYBOOK.md'));
  const s = looop(dir, ['state', '--json'], { timeoutMs: 15_000 });
  assert.equal(s.code, 0, s.stderr);
  const state = JSON.parse(s.stdout);
  assert.deepEqual(state.snapshots, { good: { n: 1 } });
  assert.deepEqual(state.goals, ['ship', 'stuck']);
  assert.deepEqual(state.journal_tail, []);
  assert.match(s.stderr, /snapshots\/fifo\.json is a FIFO/);
  assert.match(s.stderr, /snapshots\/link\.json is a symbolic link/);
  assert.match(s.stderr, /journal\.md is a directory/);
  noStack(s.stderr);
  // No pulse is running, so wait fingerprints the world once and exits 2 (pulse-down).
  const w = looop(dir, ['wait', '--json'], { timeoutMs: 15_000 });
  assert.equal(w.code, 2, w.stderr);
  assert.match(w.stderr, /goals\/stuck\.md is a FIFO/);
  assert.match(w.stderr, /PLAYBOOK\.md is a symbolic link/);
  noStack(w.stderr);
});

test('an asker that dies after its ask was answered leaves it stranded, not invisible', async (t) => {
  const dir = tempDataDir(t);
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q']);
  const file = path.join(dir, 'asks', 'w-1.json');
  await waitForFile(file);
  process.kill(ask.child.pid, 'SIGSTOP');
  assert.equal(looop(dir, ['answer', 'w-1', 'too late for me']).code, 0);
  assert.equal(readJson(file).state, 'answered');
  process.kill(ask.child.pid, 'SIGKILL');
  await exitWithin(ask, 10_000);
  const s = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.deepEqual(s.asks, []);
  assert.deepEqual(s.stranded_asks.map((a) => a.id), ['w-1'], 'an answer that never reached its worker shows as stranded');
  const rec = readJson(file);
  assert.equal(rec.state, 'stranded');
  assert.equal(rec.context.answer.file, 'answers/w-1.json', 'the answer given is kept');
});

test('an archive directory that is a symlink is never archived into', async (t) => {
  const dir = tempDataDir(t);
  const outside = tempDataDir(t, 'outside');
  fs.mkdirSync(path.join(dir, 'asks', 'archive'), { recursive: true });
  fs.symlinkSync(outside, path.join(dir, 'asks', 'archive', 'w'));
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q']);
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  assert.equal(looop(dir, ['answer', 'w-1', 'yes']).code, 0);
  const { code } = await exitWithin(ask, 15_000, 'the ask to deliver');
  assert.equal(code, 0, ask.stderr);
  assert.equal(ask.stdout, 'yes\n');
  assert.match(ask.stderr, /asks\/archive\/w is not a directory/);
  noStack(ask.stderr);
  assert.deepEqual(fs.readdirSync(outside), [], 'nothing left the data dir');
  assert.equal(readJson(path.join(dir, 'asks', 'w-1.json')).state, 'delivered', 'the record stays where it was');
  const r = looop(dir, ['asks', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), []);
});

test('binary junk in a .txt answer is named and never delivered; the ask waits for a real answer', async (t) => {
  const dir = tempDataDir(t);
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q'], { env: { LOOOP_ANSWER_SETTLE_MS: '0' } });
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  fs.writeFileSync(path.join(dir, 'answers', 'w-1.txt'), Buffer.from([0x00, 0xff, 0xfe, 0x41, 0x0a, 0x1b, 0x5b, 0x32, 0x4a]));
  await waitFor(() => /answers\/w-1\.txt is not UTF-8 text/.test(ask.stderr) || ask.exited !== null, {
    what: 'the asker to name the binary answer file',
    describe: () => `stdout=${JSON.stringify(ask.stdout)} stderr=${JSON.stringify(ask.stderr)}`,
  });
  assert.equal(ask.stdout, '', 'binary junk is never delivered');
  assert.equal(ask.exited, null, 'the ask keeps waiting');
  assert.deepEqual(JSON.parse(looop(dir, ['asks', '--json']).stdout).map((a) => a.id), ['w-1'], 'still pending for a human');
  const r = looop(dir, ['answer', 'w-1', '--force', 'a real answer']);
  assert.equal(r.code, 0, r.stderr);
  await exitWithin(ask, 10_000);
  assert.equal(ask.stdout, 'a real answer\n');
});

test('answer --force over a directory that took the answer name is one clean line, and the directory is left alone', async (t) => {
  const dir = tempDataDir(t);
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q']);
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  fs.mkdirSync(path.join(dir, 'answers', 'w-1.json'));
  const r = looop(dir, ['answer', 'w-1', '--force', 'yes']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: answer: answers\/w-1\.json is a directory, not an answer file — looop leaves it untouched\n  move it aside, then retry: looop answer w-1 --force/);
  noStack(r.stderr);
  assert.ok(fs.statSync(path.join(dir, 'answers', 'w-1.json')).isDirectory());
  fs.rmdirSync(path.join(dir, 'answers', 'w-1.json'));
  assert.equal(looop(dir, ['answer', 'w-1', '--force', 'yes']).code, 0);
  await exitWithin(ask, 10_000);
  assert.equal(ask.stdout, 'yes\n');
});
