// History must not slow the mailbox down: finished asks move to an archive that hot
// readers never scan, ids come from a per-worker counter and are never reused, old
// data dirs are migrated without losing a byte, and debris is swept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, exitWithin, looop, looopBg, readJson, tempDataDir, waitForFile } from './helpers.mjs';

// A pid no process has (above the kernel's pid_max): its holder is dead.
const DEAD = '999999999:1';

/** An ask record in the shape looop writes it. */
function record(id, { state = 'pending', rev = 1, asker = null, answer = null, deliveredAt = null, stranded = null, ts = 1_700_000_000 } = {}) {
  const worker = id.replace(/-\d+$/, '');
  return {
    v: 1,
    machine: 'ask@1',
    rev,
    state,
    context: { worker, prompt: `question ${id}`, reference: null, options: [], ts, asker, id, answer, deliveredAt, stranded },
    snapshot: { status: state === 'delivered' ? 'done' : 'active', historyValue: {}, children: {} },
    updatedAt: new Date(ts * 1000).toISOString(),
  };
}

function write(file, obj) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof obj === 'string' ? obj : `${JSON.stringify(obj, null, 2)}\n`);
}

function delivered(id) {
  const at = '2026-01-01T00:00:00.000Z';
  return record(id, { state: 'delivered', rev: 3, asker: { pid: 999_999_999, start: '1' }, answer: { file: `answers/${id}.json`, at }, deliveredAt: at });
}

async function askAndAnswer(t, dir, worker, text) {
  const before = new Set(fs.existsSync(path.join(dir, 'asks')) ? fs.readdirSync(path.join(dir, 'asks')) : []);
  const ask = looopBg(t, dir, ['ask', worker, '--prompt', `about ${text}`]);
  const { waitFor } = await import('./helpers.mjs');
  const name = await waitFor(
    () => fs.existsSync(path.join(dir, 'asks')) && fs.readdirSync(path.join(dir, 'asks')).find((n) => n.startsWith(`${worker}-`) && !before.has(n)),
    { dir: fs.existsSync(path.join(dir, 'asks')) ? path.join(dir, 'asks') : dir, what: `a new ask for ${worker}` },
  );
  const id = name.slice(0, -'.json'.length);
  assert.equal(looop(dir, ['answer', id, text]).code, 0);
  const { code } = await exitWithin(ask, 15_000, `ask ${id} to deliver`);
  assert.equal(code, 0, ask.stderr);
  assert.equal(ask.stdout, `${text}\n`);
  return id;
}

test('a delivered ask and its answer move to the archive, which hot readers never read', async (t) => {
  const dir = tempDataDir(t);
  assert.equal(await askAndAnswer(t, dir, 'w', 'one'), 'w-1');
  assert.deepEqual(fs.readdirSync(path.join(dir, 'asks')).filter((n) => n.endsWith('.json')), []);
  assert.equal(readJson(path.join(dir, 'asks', 'archive', 'w', 'w-1.json')).state, 'delivered');
  assert.equal(readJson(path.join(dir, 'answers', 'archive', 'w', 'w-1.json')).answer, 'one');
  // A corrupt archived record is only ever seen by `asks --all`.
  write(path.join(dir, 'asks', 'archive', 'w', 'w-99.json'), '{ not json');
  const live = looop(dir, ['asks', '--json']);
  assert.equal(live.code, 0, live.stderr);
  assert.doesNotMatch(live.stderr, /w-99/, 'asks read the archive');
  assert.equal(await askAndAnswer(t, dir, 'w', 'two'), 'w-2', 'ids continue past archived ones');
  const all = looop(dir, ['asks', '--all', '--json']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stderr, /asks\/archive\/w\/w-99\.json: not valid JSON/);
  assert.deepEqual(
    JSON.parse(all.stdout).map((a) => [a.id, a.state, a.archived]),
    [
      ['w-1', 'delivered', true],
      ['w-2', 'delivered', true],
    ],
  );
  const human = looop(dir, ['asks', '--all']);
  assert.match(human.stdout, /^\[delivered · archived\]\n {2}⚑ w-1 \(w\): about one$/m);
  const again = looop(dir, ['answer', 'w-1', 'once more']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /"w-1" is already answered, and was delivered to its worker .*asks\/archive\/w\/w-1\.json/);
  assert.match(again.stderr, /looop asks --all/);
});

test('a data dir from before the archive is migrated: nothing lost, ids continue', async (t) => {
  const dir = tempDataDir(t);
  const before = {};
  for (let i = 1; i <= 30; i++) {
    const id = `old-${i}`;
    write(path.join(dir, 'asks', `${id}.json`), delivered(id));
    write(path.join(dir, 'answers', `${id}.${i % 3 === 0 ? 'txt' : 'json'}`), i % 3 === 0 ? `answer ${i}\n` : `${JSON.stringify({ v: 1, answer: `answer ${i}` })}\n`);
  }
  write(path.join(dir, 'asks', 'old-31.json'), record('old-31')); // pending, no asker: still waiting
  for (const d of ['asks', 'answers']) for (const n of fs.readdirSync(path.join(dir, d))) before[`${d}/${n}`] = fs.readFileSync(path.join(dir, d, n));
  const r = looop(dir, ['asks', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).map((a) => a.id), ['old-31']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'asks')).sort(), ['archive', 'old-31.json']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'answers')), ['archive']);
  for (const [rel, bytes] of Object.entries(before)) {
    if (rel === 'asks/old-31.json') continue;
    const [d, n] = rel.split('/');
    assert.deepEqual(fs.readFileSync(path.join(dir, d, 'archive', 'old', n)), bytes, `${rel} moved intact`);
  }
  const ask = looopBg(t, dir, ['ask', 'old', '--prompt', 'next']);
  await waitForFile(path.join(dir, 'asks', 'old-32.json'));
  process.kill(ask.child.pid, 'SIGKILL');
});

test('a move cut short by a crash is finished by the next survey', (t) => {
  const dir = tempDataDir(t);
  // Linked into the archive, not yet unlinked from asks/; answer not moved yet.
  write(path.join(dir, 'asks', 'w-1.json'), delivered('w-1'));
  fs.mkdirSync(path.join(dir, 'asks', 'archive', 'w'), { recursive: true });
  fs.linkSync(path.join(dir, 'asks', 'w-1.json'), path.join(dir, 'asks', 'archive', 'w', 'w-1.json'));
  write(path.join(dir, 'answers', 'w-1.json'), '{"answer":"one"}');
  // Record archived, answer left behind.
  write(path.join(dir, 'asks', 'archive', 'w', 'w-2.json'), delivered('w-2'));
  write(path.join(dir, 'answers', 'w-2.md'), 'two\n');
  assert.equal(looop(dir, ['asks']).code, 0);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'asks')), ['archive']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'answers')), ['archive']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'asks', 'archive', 'w')).sort(), ['w-1.json', 'w-2.json']);
  assert.equal(readJson(path.join(dir, 'asks', 'archive', 'w', 'w-1.json')).state, 'delivered');
  assert.equal(fs.readFileSync(path.join(dir, 'answers', 'archive', 'w', 'w-1.json'), 'utf8'), '{"answer":"one"}');
  assert.equal(fs.readFileSync(path.join(dir, 'answers', 'archive', 'w', 'w-2.md'), 'utf8'), 'two\n');
});

test('ask numbers are never handed out twice: racing allocators, and a counter rebuilt from the archive', async (t) => {
  const dir = tempDataDir(t);
  const racers = Array.from({ length: 6 }, () => {
    const c = spawn(process.execPath, [path.join(FIXTURES, 'ask-id-racer.mjs'), dir, 'r', '25'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (err += d));
    return new Promise((resolve, reject) => c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`racer exited ${code}: ${err}`)))));
  });
  const got = (await Promise.all(racers)).flatMap((o) => o.trim().split('\n').map(Number));
  assert.equal(got.length, 150);
  assert.equal(new Set(got).size, 150, 'a number was handed out twice');
  assert.deepEqual(fs.readdirSync(path.join(dir, 'asks', 'ids')), ['r.json'], 'no token debris');
  // Lose the counter: the next number still comes after every ask on disk, archived ones too.
  write(path.join(dir, 'asks', 'archive', 'w', 'w-7.json'), delivered('w-7'));
  write(path.join(dir, 'answers', 'archive', 'w', 'w-9.txt'), 'late\n');
  const id = await askAndAnswer(t, dir, 'w', 'after');
  assert.equal(id, 'w-10');
  fs.rmSync(path.join(dir, 'asks', 'ids', 'w.json'));
  assert.equal(await askAndAnswer(t, dir, 'w', 'rebuilt'), 'w-11');
});

test('debris is swept: dead temps everywhere, and write tokens nobody can use', (t) => {
  const dir = tempDataDir(t);
  const asks = path.join(dir, 'asks');
  write(path.join(asks, 'w-1.json'), record('w-1', { rev: 3 }));
  const token = (name) => fs.symlinkSync(DEAD, path.join(asks, name));
  token('.w-1.json.rev2'); // ≤ rev: useless to anyone
  token('.w-1.json.rev3'); // its writer published rev 3 and died before removing it
  token('.w-1.json.rev5'); // above rev, dead holder: only a real publish may clean it
  token('.w-9.json.rev2'); // its file is gone for good
  write(path.join(dir, 'answers', '.w-1.json.999999999.1.abc.tmp'), 'half an answer');
  write(path.join(dir, 'tells', '.x-1.json.999999999.1.abc.tmp'), 'half a tell');
  const live = path.join(dir, 'answers', `.w-2.json.${process.pid}.1.abc.tmp`);
  write(live, 'in flight');
  const r = looop(dir, ['asks', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(fs.readdirSync(asks).filter((n) => n.startsWith('.')), ['.w-1.json.rev5']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'answers')).sort(), [path.basename(live)]);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'tells')), []);
  // Two real publishes: the second one skips the dead rev-5 token and removes it under the CAS.
  assert.equal(looop(dir, ['answer', 'w-1', 'first']).code, 0);
  assert.equal(looop(dir, ['answer', 'w-1', '--force', 'second']).code, 0);
  assert.equal(readJson(path.join(asks, 'w-1.json')).rev, 6);
  assert.deepEqual(fs.readdirSync(asks).filter((n) => n.startsWith('.')), []);
});

test('a stranded ask leaves the stranded list once a person answers it, and goes to the archive', async (t) => {
  const dir = tempDataDir(t);
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q']);
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  process.kill(ask.child.pid, 'SIGKILL');
  await exitWithin(ask, 10_000);
  assert.deepEqual(JSON.parse(looop(dir, ['state', '--json']).stdout).stranded_asks.map((a) => a.id), ['w-1']);
  const r = looop(dir, ['answer', 'w-1', 'noted']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /stranded/);
  assert.deepEqual(JSON.parse(looop(dir, ['state', '--json']).stdout).stranded_asks, []);
  assert.equal(readJson(path.join(dir, 'asks', 'archive', 'w', 'w-1.json')).context.answer.file, 'answers/w-1.json');
  assert.equal(fs.existsSync(path.join(dir, 'answers', 'archive', 'w', 'w-1.json')), true);
});

test('a stranded ask nobody answered stays on show for a week, then goes to the archive', (t) => {
  const dir = tempDataDir(t);
  const long = new Date(Date.now() - 8 * 24 * 3600 * 1000).toISOString();
  const recent = new Date(Date.now() - 3600 * 1000).toISOString();
  write(path.join(dir, 'asks', 'w-1.json'), record('w-1', { state: 'stranded', rev: 2, stranded: { at: long, reason: 'gone' } }));
  write(path.join(dir, 'asks', 'w-2.json'), record('w-2', { state: 'stranded', rev: 2, stranded: { at: recent, reason: 'gone' } }));
  const s = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.deepEqual(s.stranded_asks.map((a) => a.id), ['w-2']);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'asks', 'archive', 'w')), ['w-1.json']);
});
