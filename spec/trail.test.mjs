// The journal and events.jsonl trails: one record per line, reserved keys kept,
// one generation kept at the size cap, and a trail that cannot be written never
// fails the move that already happened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { executeSteering, eventRecord, journalLine, paths as pathsLib } from '../dist/lib.mjs';
import { looop, tempDataDir } from './helpers.mjs';

function ctxFor(dir, env = {}) {
  const warnings = [];
  return { paths: pathsLib.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env, now: () => new Date(), warn: (k, m) => warnings.push(m), bin: 'looop', warnings };
}

test('journal line: local minute stamp, newlines flattened to one entry', () => {
  const d = new Date(2026, 4, 6, 7, 8, 9);
  assert.equal(journalLine(d, 'made triage'), '- 2026-05-06 07:08 made triage\n');
  assert.equal(journalLine(d, 'a\n- 2020-01-01 00:00 forged\r\nentry'), '- 2026-05-06 07:08 a - 2020-01-01 00:00 forged entry\n');
});

test('event record: ts with milliseconds and event first; callers cannot override them', () => {
  const line = eventRecord(new Date('2026-01-02T03:04:05.006Z'), 'decided', { ts: 'forged', event: 'forged', run_id: 'r1' });
  assert.equal(line, '{"ts":"2026-01-02T03:04:05.006Z","event":"decided","run_id":"r1"}\n');
});

test('trails rotate one generation at the size cap; the newest record survives', (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir, { LOOOP_EVENTS_MAX_BYTES: '300', LOOOP_JOURNAL_MAX_BYTES: '64' });
  for (let i = 0; i < 8; i++) executeSteering(ctx, { kind: 'write_goal', id: `g${i}`, body: Buffer.from('x') }, { source: 'cli' });
  assert.ok(fs.existsSync(path.join(dir, 'events.jsonl.1')));
  assert.ok(fs.existsSync(path.join(dir, 'journal.md.1')));
  assert.ok(fs.statSync(path.join(dir, 'events.jsonl')).size <= 300 + 256);
  assert.match(fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8'), /"id":"g7"/);
  assert.match(fs.readFileSync(path.join(dir, 'journal.md'), 'utf8'), /write-goal g7\n$/);
  assert.doesNotMatch(fs.readFileSync(path.join(dir, 'journal.md'), 'utf8') + fs.readFileSync(path.join(dir, 'journal.md.1'), 'utf8'), /write-goal g0\n/, 'the oldest generation is dropped');
  assert.ok(!fs.readdirSync(dir).some((n) => n.endsWith('.rotlock')), 'no rotation lock left behind');
  assert.deepEqual(ctx.warnings, []);
});

test('a journal or events file that cannot be appended (symlink, directory) warns; the move still happens', (t) => {
  const dir = tempDataDir(t);
  fs.writeFileSync(path.join(dir, 'target'), '');
  fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'journal.md'));
  fs.mkdirSync(path.join(dir, 'events.jsonl'));
  const r = looop(dir, ['goal', 'write', 'ship', 'body']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'write-goal ship\n');
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'ship.md'), 'utf8'), 'body\n');
  assert.match(r.stderr, /failed to append the journal line to .*journal\.md \(audit-trail gap\)/);
  assert.match(r.stderr, /failed to append to .*events\.jsonl/);
  assert.equal(fs.readFileSync(path.join(dir, 'target'), 'utf8'), '', 'never written through the symlink');
});
