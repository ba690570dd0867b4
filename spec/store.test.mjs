// The persisted-machine store: atomic publish, exclusive create, CAS without lost
// updates across processes, and bad files reported (never overwritten).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, looop, looopBg, tempDataDir, waitForFile } from './helpers.mjs';

function run(args) {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [path.join(FIXTURES, 'store-racer.mjs'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    c.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`racer exited ${code}: ${err}`))));
  });
}

test('of 20 concurrent creators of one record exactly one wins, and the file is complete', async (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'c.json');
  const results = await Promise.all(Array.from({ length: 20 }, () => run([file, 'create'])));
  assert.equal(results.filter((r) => r === 'won').length, 1, results.join(','));
  const env = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(env.rev, 1);
  assert.equal(env.machine, 'counter@1');
  assert.equal(env.state, 'counting');
  assert.deepEqual(env.context, { n: 0 });
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n !== 'c.json'), [], 'no temp files left');
});

test('8 processes × 25 compare-and-swap updates lose nothing', async (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'c.json');
  assert.equal(await run([file, 'create']), 'won');
  await Promise.all(Array.from({ length: 8 }, () => run([file, 'increment', '25'])));
  const env = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(env.context.n, 200);
  assert.ok(env.rev >= 201, `rev ${env.rev}`);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n !== 'c.json'), [], 'no tokens or temps left');
});

function badFiles(dir) {
  const asks = path.join(dir, 'asks');
  fs.mkdirSync(asks, { recursive: true });
  const files = {
    'bad-1.json': '{"v": 1, "machine": "ask@1", "rev": ',
    'future-1.json': JSON.stringify({ v: 2, machine: 'ask@1', rev: 1, state: 'pending', context: {}, snapshot: {}, updatedAt: 'x' }),
    'newer-1.json': JSON.stringify({ v: 1, machine: 'ask@9', rev: 1, state: 'pending', context: {}, snapshot: {}, updatedAt: 'x' }),
    'wrong-1.json': JSON.stringify({ v: 1, machine: 'claim@1', rev: 1, state: 'held', context: {}, snapshot: {}, updatedAt: 'x' }),
    'types-1.json': JSON.stringify({ v: 1, machine: 'ask@1', rev: 1, state: 'pending', context: { id: 5 }, snapshot: {}, updatedAt: 'x' }),
    'junk-1.json': Buffer.from([0, 255, 1, 2, 3, 0x7b]),
  };
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(asks, name), body);
  fs.writeFileSync(path.join(dir, 'outside.json'), '{}');
  fs.symlinkSync(path.join(dir, 'outside.json'), path.join(asks, 'link-1.json'));
  fs.writeFileSync(path.join(asks, 'huge-1.json'), Buffer.alloc(3 << 20, 0x20));
  return Object.keys(files).concat(['link-1.json', 'huge-1.json']);
}

test('corrupt, unknown-version, wrong-type and hostile records are reported once by name and left untouched', async (t) => {
  const dir = tempDataDir(t);
  const names = badFiles(dir);
  const before = Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(dir, 'asks', n))]));
  const ask = looopBg(t, dir, ['ask', 'good', '--prompt', 'still works?']);
  await waitForFile(path.join(dir, 'asks', 'good-1.json'));
  const r = looop(dir, ['asks', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).map((a) => a.id), ['good-1'], 'the rest of the mailbox keeps working');
  for (const n of names) {
    const lines = r.stderr.split('\n').filter((l) => l.includes(`asks/${n}`));
    assert.equal(lines.length, 1, `asks/${n} reported exactly once; stderr:\n${r.stderr}`);
  }
  assert.match(r.stderr, /asks\/future-1\.json: envelope v2 .*newer looop/);
  assert.match(r.stderr, /asks\/newer-1\.json: holds ask@9.*newer looop/);
  assert.match(r.stderr, /asks\/wrong-1\.json: holds a "claim@1" record/);
  assert.match(r.stderr, /asks\/bad-1\.json: not valid JSON/);
  assert.match(r.stderr, /asks\/link-1\.json: is a symbolic link/);
  assert.match(r.stderr, /asks\/huge-1\.json: is \d+ bytes; the limit here is \d+/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack traces');
  for (const n of names) assert.deepEqual(fs.readFileSync(path.join(dir, 'asks', n)), before[n], `asks/${n} was modified`);
  const ans = looop(dir, ['answer', 'bad-1', 'x']);
  assert.equal(ans.code, 1);
  assert.match(ans.stderr, /asks\/bad-1\.json: not valid JSON/);
  assert.equal(fs.existsSync(path.join(dir, 'answers', 'bad-1.json')), false);
  assert.equal(looop(dir, ['answer', 'good-1', 'yes']).code, 0);
  process.kill(ask.child.pid, 'SIGKILL');
});

test('temp files left by a killed writer are swept; a live writer’s temps are kept', (t) => {
  const dir = tempDataDir(t);
  fs.mkdirSync(path.join(dir, 'asks'), { recursive: true });
  const dead = path.join(dir, 'asks', '.w-1.json.4194000.1.deadbeef.tmp');
  const live = path.join(dir, 'asks', `.w-2.json.${process.pid}.1.cafe.tmp`);
  fs.writeFileSync(dead, 'half');
  fs.writeFileSync(live, 'in flight');
  assert.equal(looop(dir, ['asks']).code, 0);
  assert.equal(fs.existsSync(dead), false, 'debris of a dead writer is removed');
  assert.equal(fs.existsSync(live), true, 'a live writer’s temp is left alone');
});
