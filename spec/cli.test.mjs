import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, looop, tempDataDir } from './helpers.mjs';

test('version, -v, -V and --version print the version', (t) => {
  const dir = tempDataDir(t);
  const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  for (const args of [['version'], ['--version'], ['-V'], ['-v']]) {
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
  assert.match(one.stdout, /^Usage: looop ask \[worker\]/m);
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
  assert.match(flag.stderr, /^looop: asks: unknown option `--bogus`/);
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
  // `claim` writes; read-only verbs such as `asks` create nothing.
  const r = spawnSync(process.execPath, [BIN, 'claim', 'c1', '--session', 's1'], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const dataDir = path.join(home, '.local', 'state', 'looop');
  assert.ok(fs.statSync(path.join(dataDir, 'claims')).isDirectory());
  assert.equal(fs.statSync(dataDir).mode & 0o777, 0o700);
  assert.equal(fs.statSync(path.join(dataDir, 'claims', 'c1.json')).mode & 0o777, 0o600);
  const xdg = path.join(home, 'xdg');
  const r2 = spawnSync(process.execPath, [BIN, 'claim', 'c1', '--session', 's1'], { env: { ...env, XDG_STATE_HOME: xdg }, encoding: 'utf8' });
  assert.equal(r2.status, 0, r2.stderr);
  assert.ok(fs.existsSync(path.join(xdg, 'looop', 'claims', 'c1.json')));
});

test('a relative LOOOP_DATA_DIR is resolved against the cwd', (t) => {
  const cwd = tempDataDir(t, 'cwd');
  const r = spawnSync(process.execPath, [BIN, 'claim', 'c1', '--session', 's1'], { cwd, env: { PATH: process.env.PATH, LOOOP_DATA_DIR: 'rel/data' }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(cwd, 'rel', 'data', 'claims', 'c1.json')));
});

test('a closed stdout pipe ends quietly', (t) => {
  const dir = tempDataDir(t);
  const r = spawnSync('sh', ['-c', `node "${BIN}" help | head -1`], { env: { ...process.env, LOOOP_DATA_DIR: dir }, encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.equal(r.stderr, '');
});

test('`looop worker`, `looop w`, `looop help worker` list the worker subcommands; an unknown one says which exist', (t) => {
  const dir = tempDataDir(t);
  for (const args of [['worker'], ['w'], ['help', 'worker'], ['worker', '--help'], ['_', 'worker']]) {
    const r = looop(dir, args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /^Start, end and list workers/, args.join(' '));
    for (const sub of ['worker start <id>', 'worker kill <id>', 'worker list']) assert.match(r.stdout, new RegExp(`^  ${sub}`, 'm'));
  }
  const bad = looop(dir, ['worker', 'stop', 'x']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^looop: unknown worker subcommand `stop` \(start, kill, list\)/);
  const help = looop(dir, ['help', 'w', 'ls']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^List the fleet/);
});

test('every verb\'s --help starts with a sentence saying what it does', (t) => {
  const dir = tempDataDir(t);
  const verbs = ['ask', 'answer', 'asks', 'state', 'wait', 'tell', 'told', 'claim', 'unclaim', 'worker start', 'worker kill', 'worker list', 'start-session', 'kill', 'send', 'screenshot', 'attach', 'log', 'version'];
  for (const verb of verbs) {
    const r = looop(dir, [...verb.split(' '), '--help']);
    assert.equal(r.code, 0, `${verb}: ${r.stderr}`);
    const [first, second, third] = r.stdout.split('\n');
    assert.match(first, /^[A-Z][a-z]+ .*[.]$/, `${verb}: first line ${JSON.stringify(first)}`);
    assert.equal(second, '');
    assert.match(third, new RegExp(`^Usage: looop ${verb}\\b`));
  }
  assert.deepEqual(fs.readdirSync(dir), [], 'help writes nothing');
});
