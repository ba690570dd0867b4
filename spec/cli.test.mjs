import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, looop, tempDataDir } from './helpers.mjs';

test('version, -V and --version print the version', (t) => {
  const dir = tempDataDir(t);
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  for (const args of [['version'], ['--version'], ['-V']]) {
    const r = looop(dir, args);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `looop ${pkg.version}\n`);
  }
});

test('help, -h and --help print the manual; `help <verb>` and `<verb> --help` print one verb', (t) => {
  const dir = tempDataDir(t);
  for (const args of [['help'], ['-h'], ['--help']]) {
    const r = looop(dir, args);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /THE IDEA/);
    assert.match(r.stdout, /ANSWER FILES/);
  }
  const one = looop(dir, ['help', 'ask']);
  assert.equal(one.code, 0);
  assert.match(one.stdout, /\$ looop ask \[worker\]/);
  assert.match(one.stdout, /--prompt/);
  const flag = looop(dir, ['answer', '--help']);
  assert.equal(flag.code, 0);
  assert.match(flag.stdout, /--force/);
  const unknown = looop(dir, ['help', 'nosuch']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown topic `nosuch`/);
});

test('bare looop prints the verb summary', (t) => {
  const dir = tempDataDir(t);
  const r = looop(dir, []);
  assert.equal(r.code, 0);
  for (const verb of ['ask', 'answer', 'asks', 'state', 'wait', 'tell', 'told']) assert.match(r.stdout, new RegExp(`^  ${verb}\\b`, 'm'));
});

test('`looop _ <verb>` is the same verb', (t) => {
  const dir = tempDataDir(t);
  const a = looop(dir, ['_', 'asks', '--json']);
  assert.equal(a.code, 0);
  assert.equal(a.stdout, '[]\n');
});

test('unknown verbs and unknown flags exit 1 with usage on stderr', (t) => {
  const dir = tempDataDir(t);
  const verb = looop(dir, ['frobnicate']);
  assert.equal(verb.code, 1);
  assert.match(verb.stderr, /unknown verb `frobnicate`/);
  const flag = looop(dir, ['asks', '--bogus']);
  assert.equal(flag.code, 1);
  assert.match(flag.stderr, /Unknown option `--bogus`/);
  assert.match(flag.stderr, /usage: looop asks/);
  const missing = looop(dir, ['answer']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /usage: looop answer/);
});

test('with $HOME unset and no LOOOP_DATA_DIR, looop explains and exits 2', () => {
  const env = { PATH: process.env.PATH };
  const r = spawnSync(process.execPath, [BIN, 'asks'], { env, encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /\$HOME is not set/);
  assert.match(r.stderr, /LOOOP_DATA_DIR/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace for a user mistake');
});

test('the data dir defaults to $XDG_STATE_HOME/looop, then ~/.local/state/looop; dirs 0700, files 0600', (t) => {
  const home = tempDataDir(t, 'home');
  const env = { PATH: process.env.PATH, HOME: home };
  const r = spawnSync(process.execPath, [BIN, 'asks'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const dataDir = path.join(home, '.local', 'state', 'looop');
  assert.ok(fs.statSync(path.join(dataDir, 'asks')).isDirectory());
  assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
  const xdg = path.join(home, 'xdg');
  const r2 = spawnSync(process.execPath, [BIN, 'asks'], { env: { ...env, XDG_STATE_HOME: xdg }, encoding: 'utf8' });
  assert.equal(r2.status, 0, r2.stderr);
  assert.ok(fs.existsSync(path.join(xdg, 'looop', 'asks')));
});

test('a relative LOOOP_DATA_DIR is resolved against the cwd', (t) => {
  const cwd = tempDataDir(t, 'cwd');
  const r = spawnSync(process.execPath, [BIN, 'asks'], { cwd, env: { PATH: process.env.PATH, LOOOP_DATA_DIR: 'rel/data' }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(cwd, 'rel', 'data', 'asks')));
});

test('a closed stdout pipe ends quietly', (t) => {
  const dir = tempDataDir(t);
  const r = spawnSync('sh', ['-c', `node "${BIN}" help | head -1`], { env: { ...process.env, LOOOP_DATA_DIR: dir }, encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
});
