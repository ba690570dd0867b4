// The steering verbs end to end through the built CLI: goal write/archive, sensor
// write, playbook write. Each move writes its file byte for byte, leaves one journal
// line and one events.jsonl record, and a refused move writes nothing at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { executeSteering, paths as pathsLib } from '../dist/lib.mjs';
import { exitWithin, looop, looopBg, tempDataDir } from './helpers.mjs';

const JOURNAL_LINE = /^- \d{4}-\d\d-\d\d \d\d:\d\d (.*)$/;

function journal(dir) {
  const f = path.join(dir, 'journal.md');
  if (!fs.existsSync(f)) return [];
  return fs.readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
    const m = JOURNAL_LINE.exec(l);
    assert.ok(m, `journal line shape: ${JSON.stringify(l)}`);
    return m[1];
  });
}

function events(dir) {
  const f = path.join(dir, 'events.jsonl');
  if (!fs.existsSync(f)) return [];
  return fs.readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

function ok(dir, args, opts) {
  const r = looop(dir, args, opts);
  assert.equal(r.code, 0, `looop ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('goal write: words or stdin, byte for byte (+ a final newline); journal line and event per move', (t) => {
  const dir = tempDataDir(t);
  assert.equal(ok(dir, ['goal', 'write', 'ship', 'Ship', 'it', 'a', '-', 'b']), 'write-goal ship\n');
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'ship.md'), 'utf8'), 'Ship it a - b\n');
  // Not UTF-8, trailing blanks, a final newline already there: all kept as given.
  const raw = Buffer.from([0xff, 0xfe, 0x61, 0x0a, 0x0a, 0x20, 0x09, 0x0a]);
  assert.equal(ok(dir, ['goal', 'w', 'raw', '-'], { input: raw }), 'write-goal raw\n');
  assert.deepEqual(fs.readFileSync(path.join(dir, 'goals', 'raw.md')), raw);
  ok(dir, ['goal', 'write', 'empty'], { input: '' });
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'empty.md'), 'utf8'), '\n');
  assert.equal(fs.statSync(path.join(dir, 'goals', 'raw.md')).mode & 0o777, 0o600);

  ok(dir, ['goal', 'write', 'ship', 'v2', '--journal', 'rewrote ship\n- 2020-01-01 00:00 forged']);
  assert.deepEqual(journal(dir), ['write-goal ship', 'write-goal raw', 'write-goal empty', 'rewrote ship - 2020-01-01 00:00 forged']);
  const ev = events(dir);
  assert.equal(ev.length, 4);
  for (const e of ev) {
    assert.equal(e.event, 'steered');
    assert.equal(e.action, 'write_goal');
    assert.equal(e.source, 'cli');
    assert.match(e.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  assert.deepEqual(ev.map((e) => e.id), ['ship', 'raw', 'empty', 'ship']);
  assert.equal(ev[3].journal, 'rewrote ship - 2020-01-01 00:00 forged');
  const activity = JSON.parse(fs.readFileSync(path.join(dir, '.goal-activity.json'), 'utf8'));
  assert.equal(typeof activity.ship, 'number');
});

test('steering verbs refuse a ../ id (or any non-segment) with one line, writing nothing', (t) => {
  const dir = tempDataDir(t);
  for (const args of [
    ['goal', 'write', '../escape', 'x'],
    ['goal', 'write', '.hidden', 'x'],
    ['goal', 'archive', '../../etc/passwd'],
    ['sensor', 'write', '../evil', 'echo'],
    ['sensor', 'write', 'a b', 'echo'],
  ]) {
    const r = looop(dir, args);
    assert.equal(r.code, 1, `${args.join(' ')} must fail`);
    assert.match(r.stderr, /^looop: invalid (goal|sensor) id "[^"]*": /, r.stderr);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('looop:')).length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.ok(!fs.existsSync(path.join(dir, 'escape.md')));
  assert.ok(!fs.existsSync(path.join(path.dirname(dir), 'escape.md')));
  assert.deepEqual(journal(dir), [], 'a refused move leaves no journal line');
  assert.deepEqual(events(dir), []);
});

test('goal archive: moves into goals/archive/, never overwrites; twice gives a clear line naming the archived copy', (t) => {
  const dir = tempDataDir(t);
  ok(dir, ['goal', 'write', 'ship', 'first']);
  assert.equal(ok(dir, ['goal', 'archive', 'ship']), 'archive-goal ship\n');
  assert.ok(!fs.existsSync(path.join(dir, 'goals', 'ship.md')));
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'archive', 'ship.md'), 'utf8'), 'first\n');

  const again = looop(dir, ['goal', 'archive', 'ship']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^looop: goal ship is already archived \(goals\/archive\/ship\.md\); goals\/ship\.md does not exist\n/);
  assert.match(again.stderr, /looop goal write ship - < /);

  ok(dir, ['goal', 'write', 'ship', 'second']);
  ok(dir, ['goal', 'archive', 'ship']);
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'archive', 'ship.md'), 'utf8'), 'first\n', 'the first archive is kept');
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'archive', 'ship-1.md'), 'utf8'), 'second\n');

  const never = looop(dir, ['goal', 'archive', 'nope']);
  assert.equal(never.code, 1);
  assert.match(never.stderr, /^looop: no goal nope: goals\/nope\.md does not exist\n/);
  assert.deepEqual(journal(dir), ['write-goal ship', 'archive-goal ship', 'write-goal ship', 'archive-goal ship']);
  assert.deepEqual(events(dir).map((e) => e.action), ['write_goal', 'archive_goal', 'write_goal', 'archive_goal']);
});

test('sensor write: sensors/<name>.sh, executable by its owner only', (t) => {
  const dir = tempDataDir(t);
  assert.equal(ok(dir, ['sensor', 'write', 'ci'], { input: '#!/bin/sh\necho \'{"ok":true}\'' }), 'write-sensor ci\n');
  const f = path.join(dir, 'sensors', 'ci.sh');
  assert.equal(fs.statSync(f).mode & 0o777, 0o700);
  assert.equal(fs.readFileSync(f, 'utf8'), '#!/bin/sh\necho \'{"ok":true}\'\n');
  assert.deepEqual(journal(dir), ['write-sensor ci']);
  assert.deepEqual(events(dir).map((e) => [e.action, e.id]), [['write_sensor', 'ci']]);
});

test('playbook write: the previous PLAYBOOK is kept in playbook.d/; the first write snapshots nothing', (t) => {
  const dir = tempDataDir(t);
  assert.equal(ok(dir, ['playbook', 'write', 'v1', 'rules']), 'write-playbook\n');
  assert.ok(!fs.existsSync(path.join(dir, 'playbook.d')) || fs.readdirSync(path.join(dir, 'playbook.d')).length === 0);
  ok(dir, ['playbook', 'write', '-'], { input: 'v2 rules\n' });
  assert.equal(fs.readFileSync(path.join(dir, 'PLAYBOOK.md'), 'utf8'), 'v2 rules\n');
  const kept = fs.readdirSync(path.join(dir, 'playbook.d'));
  assert.equal(kept.length, 1);
  assert.match(kept[0], /^\d{8}-\d{6}\.md$/);
  assert.equal(fs.readFileSync(path.join(dir, 'playbook.d', kept[0]), 'utf8'), 'v1 rules\n');
  assert.deepEqual(journal(dir), ['write-playbook', 'write-playbook']);
});

test('playbook history: same-second snapshots get sortable suffixes and LOOOP_PLAYBOOK_KEEP prunes the oldest', (t) => {
  const dir = tempDataDir(t);
  const now = new Date(2026, 0, 2, 3, 4, 5);
  const ctx = { paths: pathsLib.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env: { LOOOP_PLAYBOOK_KEEP: '3' }, now: () => now, warn: () => {}, bin: 'looop' };
  for (let i = 1; i <= 6; i++) executeSteering(ctx, { kind: 'write_playbook', body: Buffer.from(`v${i}`) }, { source: 'pulse', runId: `tick-${i}` });
  const kept = fs.readdirSync(path.join(dir, 'playbook.d')).sort();
  assert.deepEqual(kept, ['20260102-030405-0002.md', '20260102-030405-0003.md', '20260102-030405-0004.md']);
  assert.equal(fs.readFileSync(path.join(dir, 'playbook.d', kept[2]), 'utf8'), 'v5\n');
  assert.equal(fs.readFileSync(path.join(dir, 'PLAYBOOK.md'), 'utf8'), 'v6\n');
  assert.deepEqual(journal(dir), Array(6).fill('write-playbook'));
  assert.equal(events(dir)[5].run_id, 'tick-6');
  assert.equal(events(dir)[5].source, 'pulse');
});

test('goal / sensor / playbook alone list their subcommands', (t) => {
  const dir = tempDataDir(t);
  for (const [group, subs] of [['goal', 'write|archive'], ['sensor', 'write'], ['playbook', 'write']]) {
    const r = looop(dir, [group]);
    assert.match(r.stdout + r.stderr, new RegExp(`Usage: looop ${group} <${subs.replace('|', '\\|')}>`));
  }
});

test('8 racing archives of one goal: exactly one moves it, one archived copy, the rest say it is already archived', async (t) => {
  const dir = tempDataDir(t);
  ok(dir, ['goal', 'write', 'race', 'the body']);
  const racers = Array.from({ length: 8 }, () => looopBg(t, dir, ['goal', 'archive', 'race']));
  const results = await Promise.all(racers.map((p) => exitWithin(p, 20_000, 'a racing archive')));
  const winners = racers.filter((_, i) => results[i].code === 0);
  assert.equal(winners.length, 1, `winners: ${winners.map((w) => w.stdout).join(' | ')}`);
  for (const [i, r] of racers.entries()) {
    if (results[i].code === 0) continue;
    assert.equal(results[i].code, 1);
    assert.match(r.stderr, /^looop: goal race is already archived/, r.stderr);
  }
  assert.deepEqual(fs.readdirSync(path.join(dir, 'goals', 'archive')), ['race.md']);
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'archive', 'race.md'), 'utf8'), 'the body\n');
  assert.deepEqual(journal(dir), ['write-goal race', 'archive-goal race']);
});
