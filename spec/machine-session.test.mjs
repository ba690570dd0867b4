// The session machine survives a JSON round trip of its persisted snapshot in every
// state, refuses transitions its states do not allow, and moves through the
// envelope store (create, compare-and-swap update, XState-free read).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createActor, sessionMachine, SESSION_ENTITY, SESSION_KIND, entityStore, envelope } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

const input = { id: 'w1', command: 'echo hi', cwd: '/tmp', cols: 80, rows: 24, createdAt: '2026-01-01T00:00:00.000Z' };
const host = { pid: 4242, start: '1000' };
const child = { pid: 4243, pgid: 4243, start: '1001' };

function roundTrip(actor) {
  const text = JSON.stringify(actor.getPersistedSnapshot());
  const restored = createActor(sessionMachine, { snapshot: JSON.parse(text) }).start();
  assert.equal(restored.getSnapshot().value, actor.getSnapshot().value);
  assert.deepEqual(restored.getSnapshot().context, actor.getSnapshot().context);
  assert.equal(restored.getSnapshot().status, actor.getSnapshot().status);
  return restored;
}

test('session machine: starting → running → exited(code) round-trips through JSON at every step', () => {
  let a = createActor(sessionMachine, { input }).start();
  assert.equal(a.getSnapshot().value, 'starting');
  assert.equal(a.getSnapshot().context.host, null);
  a = roundTrip(a);
  a.send({ type: 'SPAWNED', host, child, at: '2026-01-01T00:00:01.000Z' });
  assert.equal(a.getSnapshot().value, 'running');
  assert.deepEqual(a.getSnapshot().context.child, child);
  a = roundTrip(a);
  a.send({ type: 'RESIZED', cols: 120, rows: 40 });
  assert.deepEqual([a.getSnapshot().context.cols, a.getSnapshot().context.rows], [120, 40]);
  a = roundTrip(a);
  a.send({ type: 'EXITED', code: 3, signal: null, at: '2026-01-01T00:00:02.000Z' });
  assert.equal(a.getSnapshot().value, 'exited');
  assert.equal(a.getSnapshot().context.exitCode, 3);
  assert.equal(a.getSnapshot().status, 'done');
  a = roundTrip(a);
  a.send({ type: 'KILLED', signal: 'SIGHUP', escalated: false, at: '2026-01-01T00:00:03.000Z' });
  assert.equal(a.getSnapshot().value, 'exited', 'a finished session cannot be killed after the fact');
});

test('session machine: killed and dead are reached from running, and a dead session records the kill of its orphans', () => {
  let a = createActor(sessionMachine, { input }).start();
  a.send({ type: 'SPAWNED', host, child, at: '2026-01-01T00:00:01.000Z' });
  a.send({ type: 'KILLED', signal: 'SIGKILL', escalated: true, at: '2026-01-01T00:00:02.000Z' });
  a = roundTrip(a);
  assert.equal(a.getSnapshot().value, 'killed');
  assert.deepEqual([a.getSnapshot().context.signal, a.getSnapshot().context.escalated, a.getSnapshot().context.exitCode], ['SIGKILL', true, null]);
  a.send({ type: 'EXITED', code: 0, signal: null, at: '2026-01-01T00:00:03.000Z' });
  assert.equal(a.getSnapshot().value, 'killed', 'killed is final');

  let b = createActor(sessionMachine, { input }).start();
  b.send({ type: 'SPAWNED', host, child, at: '2026-01-01T00:00:01.000Z' });
  b.send({ type: 'VANISHED', reason: 'host gone', at: '2026-01-01T00:00:02.000Z' });
  b = roundTrip(b);
  assert.equal(b.getSnapshot().value, 'dead');
  assert.equal(b.getSnapshot().context.reason, 'host gone');
  b.send({ type: 'RESIZED', cols: 10, rows: 10 });
  assert.equal(b.getSnapshot().context.cols, 80, 'a dead session ignores resizes');
  b.send({ type: 'KILLED', signal: 'SIGHUP', escalated: false, at: '2026-01-01T00:00:03.000Z' });
  b = roundTrip(b);
  assert.equal(b.getSnapshot().value, 'killed');
});

test('session machine: a failed spawn ends the session instead of leaving it starting', () => {
  let a = createActor(sessionMachine, { input }).start();
  a.send({ type: 'SPAWN_FAILED', reason: 'cwd /nope: ENOENT', at: '2026-01-01T00:00:01.000Z' });
  a = roundTrip(a);
  assert.equal(a.getSnapshot().value, 'exited');
  assert.equal(a.getSnapshot().context.exitCode, null);
  assert.equal(a.getSnapshot().context.reason, 'cwd /nope: ENOENT');
  a.send({ type: 'SPAWNED', host, child, at: '2026-01-01T00:00:02.000Z' });
  assert.equal(a.getSnapshot().value, 'exited');
});

test('session record through the envelope: create, CAS updates, XState-free reads', async (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'session.json');
  const created = entityStore.createEntity(file, SESSION_ENTITY, input, new Date('2026-01-01T00:00:00Z'));
  assert.equal(created.state, 'starting');
  assert.equal(created.machine, 'session@1');
  assert.equal(entityStore.createEntity(file, SESSION_ENTITY, input, new Date()), null, 'the second create loses');
  const now = () => new Date('2026-01-01T00:00:05Z');
  const up = await entityStore.updateEntity(file, SESSION_ENTITY, (cur) => (cur.state === 'starting' ? [{ type: 'SPAWNED', host, child, at: now().toISOString() }] : []), now);
  assert.equal(up.kind, 'updated');
  assert.equal(up.envelope.rev, 2);
  // Two writers racing to finish the session: exactly one transition lands, the other sees it.
  const [x, y] = await Promise.all([
    entityStore.updateEntity(file, SESSION_ENTITY, (cur) => (cur.state === 'running' ? [{ type: 'EXITED', code: 0, signal: null, at: now().toISOString() }] : []), now),
    entityStore.updateEntity(file, SESSION_ENTITY, (cur) => (cur.state === 'running' ? [{ type: 'KILLED', signal: 'SIGHUP', escalated: false, at: now().toISOString() }] : []), now),
  ]);
  assert.deepEqual([x.kind, y.kind].sort(), ['unchanged', 'updated']);
  const read = envelope.readEntity(file, SESSION_KIND);
  assert.equal(read.kind, 'ok');
  assert.equal(read.envelope.rev, 3);
  assert.ok(['exited', 'killed'].includes(read.envelope.state));
  const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(onDisk.state, read.envelope.state, 'a human reading the file sees the state');
  assert.equal(onDisk.context.child.pgid, 4243, 'and the facts');
});

test('a hand-damaged session record is reported, not trusted', (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'session.json');
  fs.writeFileSync(file, JSON.stringify({ v: 1, machine: 'session@1', rev: 1, state: 'running', context: { ...input, host: 'oops' }, snapshot: {}, updatedAt: 'x' }));
  const r = envelope.readEntity(file, SESSION_KIND);
  assert.equal(r.kind, 'invalid');
  assert.match(r.problem, /context\.host/);
});
