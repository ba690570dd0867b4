// The one reader of data-dir files: regular files only, never a symlink, never a
// blocking open, bounded size; and text neutralised before it reaches a terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDataDir } from './helpers.mjs';
import { dataFile, fsio, terminalText } from '../dist/lib.mjs';

test('readDataFile reads regular files and refuses symlinks, FIFOs, directories and oversized files', (t) => {
  const dir = tempDataDir(t);
  const ok = path.join(dir, 'ok.txt');
  fs.writeFileSync(ok, 'hello');
  const r = dataFile.readDataFile(ok);
  assert.equal(r.kind, 'ok');
  assert.equal(r.bytes.toString(), 'hello');

  assert.equal(dataFile.readDataFile(path.join(dir, 'missing')).kind, 'absent');

  const link = path.join(dir, 'link.txt');
  fs.symlinkSync('/etc/passwd', link);
  assert.deepEqual(pick(dataFile.readDataFile(link)), { kind: 'refused', reason: 'symlink' });

  const fifo = path.join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  // A plain open of a FIFO with no writer blocks forever; this must return at once.
  assert.deepEqual(pick(dataFile.readDataFile(fifo)), { kind: 'refused', reason: 'not-regular' });

  const sub = path.join(dir, 'sub');
  fs.mkdirSync(sub);
  assert.deepEqual(pick(dataFile.readDataFile(sub)), { kind: 'refused', reason: 'not-regular' });

  const big = path.join(dir, 'big');
  fs.writeFileSync(big, Buffer.alloc(2000, 0x61));
  assert.deepEqual(pick(dataFile.readDataFile(big, 1000)), { kind: 'refused', reason: 'too-big' });
  assert.equal(dataFile.readDataFile(big, 2000).bytes.length, 2000);
});

test('readIfExists throws one BAD_FILE error naming the file instead of following or blocking', (t) => {
  const dir = tempDataDir(t);
  const link = path.join(dir, 'a.json');
  fs.symlinkSync('/etc/passwd', link);
  assert.throws(() => fsioRead(link), (e) => e.code === 'BAD_FILE' && e.message.includes(link));
});

test('neutralize shows every control character as an escape; neutralizeLines keeps line breaks', () => {
  assert.equal(terminalText.neutralize('a\nb\x1b]0;t\x07\x1b[2J\u202e'), 'a\\nb\\e]0;t\\x07\\e[2J\\u202e');
  assert.equal(terminalText.neutralize('plain ünïcode ⚑'), 'plain ünïcode ⚑');
  assert.equal(terminalText.neutralizeLines('one\ntwo\x1b[2J'), 'one\ntwo\\e[2J');
});

function pick(r) {
  return { kind: r.kind, reason: r.reason };
}

function fsioRead(f) {
  return fsio.readIfExists(f);
}
