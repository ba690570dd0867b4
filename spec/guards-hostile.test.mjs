// Every guard file is hostile input (issue 8 "Bad input"): garbage, non-UTF-8 bytes, a
// directory, a symlink (never followed), a FIFO (never blocks) and a huge file. Each
// guard carries on, names the file in one line, and fails closed: no extra decide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { guards, paths, readLastShell } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

const S = 1000;
const NOW = 1_700_000_000 * S;
const H = 'c'.repeat(32);

/** A usable-looking record for the symlink's target: following the link would accept it. */
const VALID = {
  '.tick-backoff': { v: 1, hash: H, fails: 0, ts: 0 },
  '.decide-ledger.json': { v: 1, ts: [] },
  '.next-wake.json': { v: 1, due: 0 },
  '.noop-at.json': { v: 1, ts: 0, hash: H },
  '.signal-flap.json': { v: 1, snaps: { 'sensor-x': { last: 'a', streak: 99 } } },
  '.last-tick-hash': H,
  '.last-world.json': { playbook: H },
  '.last-failure.json': { v: 1, ts: 0, run_id: 'r', code: 'tick.failed', error: 'e', fails: 1 },
  '.last-shell.json': { v: 1, ts: 0, cmd: 'echo', exit_code: 0, output: '' },
};

function plant(file, kind, hugeBytes) {
  const v = VALID[path.basename(file)];
  const valid = typeof v === 'string' ? `${v}\n` : `${JSON.stringify(v)}\n`;
  switch (kind) {
    case 'garbage':
      return fs.writeFileSync(file, 'not json {{ at all\n');
    case 'binary':
      return fs.writeFileSync(file, Buffer.from([0xff, 0xfe, 0x00, 0x9f, 0x0a]));
    case 'directory':
      return fs.mkdirSync(file);
    case 'symlink':
      fs.writeFileSync(`${file}.target`, valid);
      return fs.symlinkSync(`${file}.target`, file);
    case 'fifo':
      return execFileSync('mkfifo', [file]);
    case 'huge':
      // Valid content, padded past the reader's limit: only the limit refuses it.
      return fs.writeFileSync(file, `${valid.trimEnd()}${' '.repeat(hugeBytes)}\n`);
  }
  throw new Error(kind);
}

// Each guard: its file, how big "huge" must be, and what failing closed means for it.
const GUARDS = [
  ['.tick-backoff', 300 << 10, (ctx) => {
    const g = guards.backoffGate(ctx, H, NOW);
    assert.equal(g.kind, 'hold');
    assert.equal(g.fails, 4);
    return g.problem;
  }],
  ['.decide-ledger.json', 300 << 10, (ctx) => {
    const g = guards.capGate(ctx, NOW);
    assert.equal(g.kind, 'capped', 'the unknown hour counts as spent');
    return g.problem;
  }],
  ['.next-wake.json', 8 << 10, (ctx) => {
    const w = guards.readNextWake(ctx);
    assert.equal(w.kind, 'bad');
    assert.equal(guards.wakeIsDue(w, NOW / S, 300), false, 'never forces a decide');
    return w.problem;
  }],
  ['.noop-at.json', 300 << 10, (ctx) => {
    const r = guards.noopRevisitDue(ctx, H, NOW);
    assert.equal(r.due, false, 'never bypasses the skip');
    return r.problem;
  }],
  ['.signal-flap.json', 300 << 10, (ctx) => {
    const u = guards.updateFlap(ctx, { 'snap:sensor-x': 'b' });
    assert.deepEqual(u.flapping, [], 'no invented flapping');
    return u.problem;
  }],
  ['.last-tick-hash', 8 << 10, (ctx, kind) => {
    const r = guards.readLastHash(ctx);
    if (kind === 'garbage' || kind === 'binary') assert.deepEqual([r.kind, r.hash], ['ok', ''], 'cannot equal a world hash: one decide rewrites it');
    else assert.equal(r.kind, 'unreadable', 'the beat idles out');
    return r.problem;
  }],
  ['.last-world.json', 17 << 20, (ctx) => {
    const r = guards.readLastWorld(ctx);
    assert.equal(r.items, null);
    return r.problem;
  }],
  ['.last-failure.json', 300 << 10, (ctx) => {
    const r = guards.readLastFailure(ctx, NOW);
    assert.equal(r.failure, null);
    return r.problem;
  }],
  ['.last-shell.json', 5 << 20, (ctx) => {
    const r = readLastShell(ctx);
    assert.equal(r.lastShell, null);
    return r.problem;
  }],
];

for (const [name, hugeBytes, check] of GUARDS) {
  test(`${name}: garbage, binary, a directory, a symlink, a FIFO and a huge file each fail closed and are named`, (t) => {
    for (const kind of ['garbage', 'binary', 'directory', 'symlink', 'fifo', 'huge']) {
      const dir = tempDataDir(t);
      const ctx = { paths: paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env: {}, now: () => new Date(NOW), warn: () => {}, bin: 'looop' };
      const file = path.join(dir, name);
      plant(file, kind, hugeBytes);
      const problem = check(ctx, kind);
      assert.equal(typeof problem, 'string', `${kind}: a problem line`);
      assert.ok(problem.includes(file), `${kind}: names the file: ${problem}`);
      assert.doesNotMatch(problem, /\n/, `${kind}: one line`);
      if (kind === 'symlink') assert.equal(fs.readFileSync(`${file}.target`, 'utf8').length > 0 && fs.lstatSync(`${file}.target`).isFile(), true, 'target untouched');
      if (kind === 'symlink') assert.deepEqual(fs.readFileSync(`${file}.target`, 'utf8').trim(), typeof VALID[name] === 'string' ? VALID[name] : JSON.stringify(VALID[name]));
    }
  });
}

test('the guard report names every unreadable guard file and never repairs one', (t) => {
  const dir = tempDataDir(t);
  const ctx = { paths: paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env: {}, now: () => new Date(NOW), warn: () => {}, bin: 'looop' };
  for (const [name] of GUARDS) {
    if (name !== '.last-shell.json') plant(path.join(dir, name), name === '.last-tick-hash' ? 'directory' : 'garbage', 0);
  }
  const before = fs.readFileSync(path.join(dir, '.tick-backoff'), 'utf8');
  const r = guards.guardReport(ctx, NOW, { policyHash: H });
  for (const name of ['.tick-backoff', '.decide-ledger.json', '.next-wake.json', '.noop-at.json', '.signal-flap.json', '.last-tick-hash']) {
    assert.ok(r.problems.some((p) => p.includes(path.join(dir, name))), `${name} in ${JSON.stringify(r.problems)}`);
  }
  assert.deepEqual(r.holding.map((h) => h.kind).sort(), ['backoff', 'cap', 'unreadable']);
  assert.equal(fs.readFileSync(path.join(dir, '.tick-backoff'), 'utf8'), before, 'a report is read-only');
});
