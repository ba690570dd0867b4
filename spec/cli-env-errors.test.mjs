// Environment mistakes get one `looop: …` line naming the path and what to do next,
// from every verb, never "internal error" and a stack. Read-only verbs create
// nothing, and everything looop (and its demo) creates is private.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as lib from '../dist/lib.mjs';
import { BIN, envFor, looop, looopBg, tempDataDir, waitForFile } from './helpers.mjs';

function assertOneCleanLine(r, re, label) {
  assert.equal(r.code ?? r.status, 1, `${label}: exit 1; stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /, `${label}: no bug report, no stack`);
  assert.equal(r.stderr.split('\n').length, 2, `${label}: exactly one line: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, re, label);
}

/**
 * Runs the CLI with `mountpoint` mounted as `how` ('ro' bind or a full tmpfs) in a
 * private mount namespace. chmod cannot stop root (the tests run as root); a
 * read-only mount stops everyone.
 */
function looopMounted(mountpoint, how, dataDir, args) {
  const setup = how === 'ro' ? 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0"' : 'mount -t tmpfs -o size=16k,mode=0700 tmpfs "$0" && head -c 16384 /dev/zero > "$0/fill"; df "$0" >/dev/null';
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `${setup} && exec "$@"`, mountpoint, process.execPath, BIN, ...args], {
    env: envFor(dataDir),
    encoding: 'utf8',
    timeout: 20_000,
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const READ_ONLY = /^looop: cannot write in (\/\S+): the filesystem is read-only — remount it read-write, or point LOOOP_DATA_DIR at another directory on a writable filesystem\n$/;

test('a read-only data dir: answer, ask, claim, unclaim and worker start say so in one line', async (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['claim', 'held', '--session', 'ghost']).code, 0);
  const asker = looopBg(t, dir, ['ask', 'w', '--prompt', 'still waiting?']);
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  const verbs = [
    ['answer', 'w-1', 'yes'],
    ['ask', 'w2', '--prompt', 'hi'],
    ['claim', 'c1', '--session', 's1'],
    ['unclaim', 'held', '--session', 'ghost'],
    ['worker', 'start', 'w3', 'hi', '--command', 'sleep 1 # {{prompt_file}}'],
  ];
  for (const args of verbs) {
    const r = looopMounted(dir, 'ro', dir, args);
    assertOneCleanLine(r, READ_ONLY, args.join(' '));
    assert.ok(READ_ONLY.exec(r.stderr)[1].startsWith(dir), `${args[0]}: names a path in the data dir: ${r.stderr}`);
  }
  assert.equal(asker.exited, null, 'the blocked ask is untouched');
  // A fresh read-only dir: the layout cannot even be made.
  const fresh = tempDataDir(t);
  for (const args of [['ask', 'w', '--prompt', 'hi'], ['answer', 'w-1', 'yes'], ['claim', 'c1', '--session', 's1']]) {
    assertOneCleanLine(looopMounted(fresh, 'ro', fresh, args), READ_ONLY, `fresh: ${args.join(' ')}`);
  }
});

test('a full disk: one line saying so, with the next step', (t) => {
  const dir = tempDataDir(t);
  for (const args of [['claim', 'c1', '--session', 's1'], ['ask', 'w', '--prompt', 'hi']]) {
    const r = looopMounted(dir, 'full', dir, args);
    assertOneCleanLine(r, new RegExp(`^looop: cannot write (in|under) ${dir}.*: no space left on the device .*— free some space \\(df -h ${dir}\\), then retry\\n$`), args.join(' '));
  }
});

test('a data dir that is not yours: one line naming it (run as nobody: root passes every permission check)', (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['claim', 'c0', '--session', 's0']).code, 0);
  for (const args of [['asks'], ['state'], ['ask', 'w', '--prompt', 'hi'], ['answer', 'w-1', 'yes']]) {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args], { env: envFor(dir), encoding: 'utf8', timeout: 20_000 });
    assertOneCleanLine(r, new RegExp(`^looop: permission denied in ${dir}(/asks)? — make the data dir ${dir} yours and writable \\(ls -ld ${dir}\\S*\\), or point LOOOP_DATA_DIR at another directory\\n$`), args.join(' '));
  }
});

test('a LOOOP_DATA_DIR that is a file: one line naming it, from every verb', (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'not-a-dir');
  fs.writeFileSync(file, 'x');
  const line = new RegExp(`^looop: the data dir ${file} is a file, not a directory — point LOOOP_DATA_DIR at a directory, or move the file aside\\n$`);
  for (const args of [['asks'], ['asks', '--json'], ['state'], ['state', '--json'], ['ask', 'w', '--prompt', 'hi'], ['answer', 'w-1', 'yes'], ['claim', 'c1', '--session', 's1'], ['told', 'w'], ['wait']]) {
    assertOneCleanLine(looop(file, args), line, args.join(' '));
  }
  // A file further down the path: named, with what to do.
  fs.rmSync(file);
  fs.mkdirSync(file);
  fs.writeFileSync(path.join(file, 'asks'), 'x');
  assertOneCleanLine(looop(file, ['ask', 'w', '--prompt', 'hi']), new RegExp(`^looop: ${file}/asks is not a directory, but looop needs one there .*— move it aside and retry\\n$`), 'asks/ is a file');
});

test('errno → one line, chosen by code and path (never message text)', () => {
  const env = { LOOOP_DATA_DIR: '/data/looop' };
  const sys = (code, extra) => Object.assign(new Error(`${code}: some message`), { code, ...extra });
  const map = (e) => lib.environmentProblem(e, env, '/');
  assert.match(map(sys('EACCES', { syscall: 'open', path: '/data/looop/asks/.w-1.json.1.1.ab.tmp' })), /^looop: permission denied in \/data\/looop\/asks — make the data dir \/data\/looop yours and writable/);
  assert.match(map(sys('EPERM', { syscall: 'mkdir', path: '/data/looop' })), /^looop: permission denied in \/data — /);
  assert.match(map(sys('EACCES', { syscall: 'scandir', path: '/data/looop/asks' })), /^looop: permission denied in \/data\/looop\/asks — /);
  assert.match(map(sys('EROFS', { syscall: 'open', path: '/data/looop/claims/x.json' })), /^looop: cannot write in \/data\/looop\/claims: the filesystem is read-only/);
  assert.match(map(sys('ENOSPC', { syscall: 'open', path: '/data/looop/asks/x' })), /^looop: cannot write in \/data\/looop\/asks: no space left/);
  assert.match(map(sys('EDQUOT', { syscall: 'write' })), /^looop: cannot write under \/data\/looop: no space left on the device \(or the disk quota is used up\)/);
  const wrapped = new Error('cannot enumerate the fleet', { cause: sys('EROFS', { syscall: 'mkdir', path: '/data/looop/sessions' }) });
  assert.match(map(wrapped), /read-only/, 'a wrapped system error is found through its cause');
  assert.equal(map(sys('EACCES', { syscall: 'open', path: '/etc/shadow' })), null, 'outside the data dir: not ours to explain');
  assert.equal(map(sys('EEXIST', { syscall: 'link', path: '/data/looop/answers/x.json' })), null, 'EEXIST from link is a race, not a mistake');
  assert.equal(map(sys('ENOENT', { syscall: 'open', path: '/data/looop/x' })), null);
  assert.equal(map(new Error('EROFS: read-only file system')), null, 'message text alone decides nothing');
});

test('asks, state and worker list on a fresh path create nothing', (t) => {
  const parent = tempDataDir(t);
  const fresh = path.join(parent, 'never-made');
  for (const args of [['asks'], ['asks', '--json'], ['state'], ['state', '--json'], ['worker', 'list'], ['worker', 'list', '--json'], ['w', 'ls', '-a']]) {
    const r = looop(fresh, args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, '', args.join(' '));
    assert.deepEqual(fs.readdirSync(parent), [], `${args.join(' ')} left nothing behind`);
  }
});

// The demo's privacy (every dir 0700, every file 0600) is checked by its end-to-end test in demo.test.mjs.
