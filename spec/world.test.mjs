// The world hash and items (reference §8.6, §11.41) and the WHAT CHANGED diff (§8.10
// item 9): deterministic, blind to key order, whitespace and volatile detail, and
// moved by every byte of policy and every change of a wake signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { worldView, contentHash, canonicalJson, wakeSignal, diffWorld, renderChanges, parseWorldItems, clip } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

function world(t, files) {
  const dir = tempDataDir(t);
  for (const [rel, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), body);
  }
  return dir;
}

const BASE = {
  'PLAYBOOK.md': 'be kind\n',
  'goals/a.md': 'ship a\n',
  'goals/b.md': 'ship b\n',
  'snapshots/sensor-s.json': '{"signal":{"x":1,"y":[1,2]},"detail":{"t":1}}\n',
  'snapshots/sys-asks.json': '{"signal":{"pending":[]},"detail":{}}\n',
};

test('contentHash is FNV-1a 128: known vectors, 32 lowercase hex digits, sensitive to one byte', () => {
  assert.equal(contentHash(''), '6c62272e07bb014262b821756295c58d');
  assert.equal(contentHash('a'), 'd228cb696f1a8caf78912b704e4a8964');
  assert.notEqual(contentHash('abc'), contentHash('abd'));
  assert.match(contentHash('anything'), /^[0-9a-f]{32}$/);
});

test('wake signal and canonical JSON (table)', () => {
  const table = [
    [{ signal: { b: 1, a: 2 }, detail: { t: 9 } }, '{"a":2,"b":1}'],
    [{ detail: 1, a: 1 }, '{"a":1,"detail":1}'],
    [[3, { z: 1, y: 2 }], '[3,{"y":2,"z":1}]'],
    [42, '42'],
    [{ signal: null }, 'null'],
    [{ signal: { n: { d: 1, c: [{ f: 1, e: 2 }] } } }, '{"n":{"c":[{"e":2,"f":1}],"d":1}}'],
  ];
  for (const [value, want] of table) assert.equal(canonicalJson(wakeSignal(value)), want, JSON.stringify(value));
});

test('world hash is stable over an unchanged world, key order, whitespace and detail; policy bytes and signals move it', (t) => {
  const base = worldView(world(t, BASE));
  assert.match(base.hash, /^[0-9a-f]{32}$/);
  assert.deepEqual(worldView(world(t, BASE)), base, 'same files, same view');
  const same = [
    ['key order', { 'snapshots/sensor-s.json': '{"detail":{"t":1},"signal":{"y":[1,2],"x":1}}' }],
    ['whitespace', { 'snapshots/sensor-s.json': '{\n  "signal": { "x": 1, "y": [ 1, 2 ] },\n  "detail": {"t": 1}\n}' }],
    ['volatile detail', { 'snapshots/sensor-s.json': '{"signal":{"x":1,"y":[1,2]},"detail":{"t":99999}}' }],
    ['an archived goal', { 'goals/archive/old.md': 'old\n' }],
    ['a sensor script', { 'sensors/s.sh': '#!/bin/sh\n' }],
    ['a dot-file in goals', { 'goals/.a.md.swp': 'x' }],
  ];
  for (const [what, change] of same) {
    const v = worldView(world(t, { ...BASE, ...change }));
    assert.equal(v.hash, base.hash, `${what} must not move the world hash`);
    assert.deepEqual(v.items, base.items, `${what} must not move the items`);
  }
  const moved = [
    ['a signal value', { 'snapshots/sensor-s.json': '{"signal":{"x":2,"y":[1,2]}}' }, 'snap:sensor-s', false],
    ['array order in a signal', { 'snapshots/sensor-s.json': '{"signal":{"x":1,"y":[2,1]}}' }, 'snap:sensor-s', false],
    ['one PLAYBOOK byte', { 'PLAYBOOK.md': 'be kind!\n' }, 'playbook', true],
    ['a goal body', { 'goals/b.md': 'ship b\n\n' }, 'goal:b', true],
    ['a new goal', { 'goals/c.md': 'c\n' }, 'goal:c', true],
    ['a new snapshot', { 'snapshots/sensor-t.json': '{}' }, 'snap:sensor-t', false],
  ];
  for (const [what, change, key, policy] of moved) {
    const v = worldView(world(t, { ...BASE, ...change }));
    assert.notEqual(v.hash, base.hash, `${what} must move the world hash`);
    assert.notEqual(v.items[key], base.items[key], `${what} must move item ${key}`);
    assert.equal(v.policyHash !== base.policyHash, policy, `${what} ${policy ? 'moves' : 'leaves'} the policy hash`);
  }
});

test('items: playbook and goals by content hash, snapshots by wake signal; non-JSON by size and fnv; hostile files are states', (t) => {
  const dir = world(t, { ...BASE, 'snapshots/raw.json': 'not json AAAA', 'goals/evil.md': 'x' });
  fs.rmSync(path.join(dir, 'goals', 'evil.md'));
  fs.symlinkSync('/etc/passwd', path.join(dir, 'goals', 'evil.md'));
  fs.mkdirSync(path.join(dir, 'goals', 'dir.md'));
  const v = worldView(dir);
  assert.deepEqual(Object.keys(v.items), ['playbook', 'goal:a', 'goal:b', 'goal:evil', 'snap:raw', 'snap:sensor-s', 'snap:sys-asks']);
  assert.equal(v.items.playbook, contentHash('be kind\n'));
  assert.equal(v.items['goal:evil'], '!unreadable', 'a symlinked goal is not followed, but it is visible');
  assert.equal(v.items['snap:sensor-s'], '{"x":1,"y":[1,2]}');
  assert.equal(v.items['snap:raw'], `(non-JSON, 13 bytes, fnv ${contentHash('not json AAAA')})`);
  const other = worldView(world(t, { ...BASE, 'snapshots/raw.json': 'not json BBBB' }));
  assert.notEqual(other.items['snap:raw'], worldView(world(t, { ...BASE, 'snapshots/raw.json': 'not json AAAA' })).items['snap:raw']);
  assert.equal(worldView(world(t, {})).hash, contentHash(''), 'an empty data dir hashes the empty buffer');
});

test('diffWorld lists appeared, signal changes, edits, then gone, in key order; renderChanges words and caps them', () => {
  const before = { playbook: 'h1', 'goal:a': 'g1', 'goal:z': 'gz', 'snap:s': '{"n":1}', 'snap:old': '1' };
  const after = { playbook: 'h2', 'goal:a': 'g1', 'goal:b': 'gb', 'snap:s': '{"n":2}', 'snap:new': 'x'.repeat(300) };
  const changes = diffWorld(before, after);
  assert.deepEqual(renderChanges(changes), [
    '+ goal:b appeared: gb',
    '~ playbook edited (body below)',
    `+ snap:new appeared: ${'x'.repeat(240)}…`,
    '~ snap:s signal: {"n":1} → {"n":2}',
    '- goal:z gone',
    '- snap:old gone',
  ]);
  assert.deepEqual(diffWorld(after, after), []);
  assert.match(renderChanges([])[0], /^\(nothing — this re-decide was forced/);
  const many = Object.fromEntries(Array.from({ length: 225 }, (_, i) => [`snap:s${String(i).padStart(3, '0')}`, '1']));
  const lines = renderChanges(diffWorld({}, many));
  assert.equal(lines.length, 201);
  assert.equal(lines[200], '(section truncated: 25 changed items omitted — too many world items changed in one beat; consolidate the world)');
  assert.equal(clip('abc', 3), 'abc');
  assert.equal(clip('abcd', 3), 'abc…');
});

test('a .last-world.json baseline parses only as an object of strings', () => {
  assert.deepEqual(parseWorldItems('{"playbook":"h","snap:s":"{}"}'), { playbook: 'h', 'snap:s': '{}' });
  for (const bad of ['', 'nope', '[]', 'null', '{"a":1}', '"s"']) assert.equal(parseWorldItems(bad), null, bad);
});
