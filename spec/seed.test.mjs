// Layout seeding (§4.9): the directories, and on first run the starter PLAYBOOK, the
// setup goal, the daily goal, the today sensor and the pending `setup-1` ask.
// Idempotent, owner-only, and never over a file a human has written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { seedLayout, paths as pathsLib } from '../dist/lib.mjs';
import { looop, tempDataDir } from './helpers.mjs';

function ctxFor(dir, now = new Date('2026-03-04T05:06:07Z')) {
  const warnings = [];
  return { paths: pathsLib.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env: {}, now: () => now, warn: (k, m) => warnings.push(m), bin: 'looop', warnings };
}

const SEEDED = ['goals/setup.md', 'goals/playbook-daily.md', 'sensors/today.sh', 'asks/setup-1.json', 'PLAYBOOK.md', '.gitignore'];
const DIRS = ['sensors', 'snapshots', 'claims', 'reports', 'asks', 'answers', 'runs', 'goals', 'goals/archive', 'prompts', 'schedules', 'tells', 'sessions'];

const mode = (f) => fs.statSync(f).mode & 0o777;

test('seed: a fresh data dir gets the layout (0700) and the first-run files (0600; the sensor 0700), once', (t) => {
  const dir = path.join(tempDataDir(t), 'data');
  const ctx = ctxFor(dir);
  const first = seedLayout(ctx);
  assert.equal(first.seeded, true);
  assert.deepEqual([...first.created].sort(), [...SEEDED].sort());
  assert.equal(mode(dir), 0o700);
  for (const d of DIRS) assert.equal(mode(path.join(dir, d)), 0o700, `${d}/ is owner-only`);
  for (const f of SEEDED) assert.equal(mode(path.join(dir, f)), f.endsWith('.sh') ? 0o700 : 0o600, `${f} mode`);
  assert.match(fs.readFileSync(path.join(dir, 'PLAYBOOK.md'), 'utf8'), /setup-1/);
  assert.match(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), /^events\.jsonl$/m);
  assert.match(execFileSync(path.join(dir, 'sensors', 'today.sh'), { encoding: 'utf8' }), /^\{"date":"\d{4}-\d\d-\d\d"\}\n$/);

  const bytes = Object.fromEntries(SEEDED.map((f) => [f, fs.readFileSync(path.join(dir, f))]));
  const again = seedLayout(ctxFor(dir, new Date('2026-03-05T00:00:00Z')));
  assert.deepEqual(again, { seeded: false, created: [] }, 'a second seed creates nothing');
  for (const f of SEEDED) assert.deepEqual(fs.readFileSync(path.join(dir, f)), bytes[f], `${f} unchanged`);
  assert.deepEqual(ctx.warnings, []);
});

test('seed: the setup-1 ask is one pending ask from the synthetic worker "setup", pointing at goals/setup.md', (t) => {
  const dir = tempDataDir(t);
  seedLayout(ctxFor(dir));
  const r = looop(dir, ['asks', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const asks = JSON.parse(r.stdout);
  assert.equal(asks.length, 1);
  assert.equal(asks[0].id, 'setup-1');
  assert.equal(asks[0].worker, 'setup');
  assert.equal(asks[0].reference, 'goals/setup.md');
  assert.equal(asks[0].ts, Math.floor(Date.parse('2026-03-04T05:06:07Z') / 1000));
});

test('seed: a human PLAYBOOK means no first-run seed; a seed cut short is completed without overwriting', (t) => {
  const dir = tempDataDir(t);
  fs.writeFileSync(path.join(dir, 'PLAYBOOK.md'), 'mine\n');
  const r = seedLayout(ctxFor(dir));
  assert.equal(r.seeded, false);
  assert.deepEqual(r.created, ['.gitignore']);
  assert.equal(fs.readFileSync(path.join(dir, 'PLAYBOOK.md'), 'utf8'), 'mine\n');
  assert.ok(!fs.existsSync(path.join(dir, 'goals', 'setup.md')), 'no setup goal once a PLAYBOOK exists');
  assert.ok(!fs.existsSync(path.join(dir, 'asks', 'setup-1.json')));

  // A crash after some first-run files: PLAYBOOK.md (written last) is missing, a goal was already edited.
  const dir2 = tempDataDir(t);
  seedLayout(ctxFor(dir2));
  fs.rmSync(path.join(dir2, 'PLAYBOOK.md'));
  fs.rmSync(path.join(dir2, 'sensors', 'today.sh'));
  fs.writeFileSync(path.join(dir2, 'goals', 'setup.md'), 'edited by a human\n');
  fs.writeFileSync(path.join(dir2, '.gitignore'), 'mine too\n');
  const r2 = seedLayout(ctxFor(dir2));
  assert.equal(r2.seeded, true);
  assert.deepEqual([...r2.created].sort(), ['PLAYBOOK.md', 'sensors/today.sh']);
  assert.equal(fs.readFileSync(path.join(dir2, 'goals', 'setup.md'), 'utf8'), 'edited by a human\n');
  assert.equal(fs.readFileSync(path.join(dir2, '.gitignore'), 'utf8'), 'mine too\n');
});

test('seed: something odd at PLAYBOOK.md (a symlink) is the human\'s, never seeded over', (t) => {
  const dir = tempDataDir(t);
  fs.writeFileSync(path.join(dir, 'elsewhere.md'), 'rules\n');
  fs.symlinkSync(path.join(dir, 'elsewhere.md'), path.join(dir, 'PLAYBOOK.md'));
  assert.equal(seedLayout(ctxFor(dir)).seeded, false);
  assert.equal(fs.readFileSync(path.join(dir, 'elsewhere.md'), 'utf8'), 'rules\n');
});
