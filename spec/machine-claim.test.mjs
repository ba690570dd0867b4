// The claim machine: its transitions and guards, a JSON round trip of every state's
// persisted snapshot, and the same machine driven through the entity store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CLAIM_ENTITY, CLAIM_KIND, claimMachine, createActor, entityStore, envelope } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

const T0 = '2026-01-01T00:00:00.000Z';
const input = { name: 'repo-x', session: 'w1', nonce: '1-1-a', at: T0, ts: 1767225600 };
const claim = (session, nonce, at = T0) => ({ type: 'CLAIM', session, nonce, at, ts: 1767225601 });

/** Persist → JSON text → restore: the restored actor must be indistinguishable. */
function roundTrip(actor) {
  const text = JSON.stringify(actor.getPersistedSnapshot());
  const restored = createActor(claimMachine, { snapshot: JSON.parse(text) }).start();
  const a = actor.getSnapshot();
  const b = restored.getSnapshot();
  assert.equal(b.value, a.value);
  assert.deepEqual(b.context, a.context);
  assert.equal(b.status, a.status);
  return restored;
}

test('claim machine: held → released → held by another → reaped → held, round-tripping through JSON at every step', () => {
  let actor = createActor(claimMachine, { input }).start();
  assert.equal(actor.getSnapshot().value, 'held');
  assert.equal(actor.getSnapshot().context.holder, 'w1');
  actor = roundTrip(actor);

  actor.send({ type: 'RELEASE', holder: 'w1', by: 'w1', at: '2026-01-01T00:01:00.000Z' });
  assert.equal(actor.getSnapshot().value, 'released');
  assert.equal(actor.getSnapshot().context.releasedBy, 'w1');
  actor = roundTrip(actor);

  actor.send(claim('w2', '1-2-b', '2026-01-01T00:02:00.000Z'));
  let c = actor.getSnapshot().context;
  assert.equal(actor.getSnapshot().value, 'held');
  assert.equal(c.holder, 'w2');
  assert.equal(c.nonce, '1-2-b');
  assert.equal(c.since, '2026-01-01T00:02:00.000Z');
  assert.equal(c.releasedAt, null);
  assert.deepEqual(c.previous, { holder: 'w1', ended: 'released', at: '2026-01-01T00:01:00.000Z' });
  actor = roundTrip(actor);

  actor.send({ type: 'REAP', holder: 'w2', at: '2026-01-01T00:03:00.000Z' });
  assert.equal(actor.getSnapshot().value, 'reaped');
  assert.equal(actor.getSnapshot().context.reapedAt, '2026-01-01T00:03:00.000Z');
  actor = roundTrip(actor);

  actor.send(claim('w3', '1-3-c'));
  c = actor.getSnapshot().context;
  assert.equal(actor.getSnapshot().value, 'held');
  assert.equal(c.holder, 'w3');
  assert.equal(c.reapedAt, null);
  assert.deepEqual(c.previous, { holder: 'w2', ended: 'reaped', at: '2026-01-01T00:03:00.000Z' });
  // The restored actor keeps working exactly like the original.
  const restored = roundTrip(actor);
  restored.send({ type: 'RELEASE', holder: 'w3', by: 'w3', at: T0 });
  actor.send({ type: 'RELEASE', holder: 'w3', by: 'w3', at: T0 });
  assert.deepEqual(restored.getSnapshot().context, actor.getSnapshot().context);
  assert.equal(restored.getSnapshot().value, 'released');
});

test('claim machine: a held claim never changes hands without a release or reap judged on its holder', () => {
  const actor = createActor(claimMachine, { input }).start();
  const before = actor.getSnapshot().context;
  actor.send(claim('thief', '9-9-9'));
  assert.equal(actor.getSnapshot().value, 'held');
  assert.deepEqual(actor.getSnapshot().context, before, 'CLAIM by another session is ignored while held');
  actor.send({ type: 'RELEASE', holder: 'someone-else', by: 'thief', at: T0 });
  actor.send({ type: 'REAP', holder: 'someone-else', at: T0 });
  assert.equal(actor.getSnapshot().value, 'held', 'a release/reap judged on another holder is ignored');
  assert.deepEqual(actor.getSnapshot().context, before);
});

test('claim machine: the holder re-claiming refreshes nonce and ts but keeps since', () => {
  const actor = createActor(claimMachine, { input }).start();
  actor.send({ type: 'CLAIM', session: 'w1', nonce: '1-2-z', at: '2026-01-01T05:00:00.000Z', ts: 1767243600 });
  const c = actor.getSnapshot().context;
  assert.equal(actor.getSnapshot().value, 'held');
  assert.equal(c.nonce, '1-2-z');
  assert.equal(c.ts, 1767243600);
  assert.equal(c.since, T0);
});

test('claim entity: createEntity has one winner, updateEntity moves it through the machine, readEntity sees it without XState', async (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'repo-x.json');
  const now = () => new Date('2026-01-01T00:00:00.000Z');
  const first = entityStore.createEntity(file, CLAIM_ENTITY, input, now());
  assert.ok(first, 'the first create wins');
  assert.equal(entityStore.createEntity(file, CLAIM_ENTITY, { ...input, session: 'w2' }, now()), null, 'a second create loses');

  let r = envelope.readEntity(file, CLAIM_KIND);
  assert.equal(r.kind, 'ok');
  assert.equal(r.envelope.machine, 'claim@1');
  assert.equal(r.envelope.rev, 1);
  assert.equal(r.envelope.state, 'held');
  assert.equal(r.envelope.context.holder, 'w1');

  const u = await entityStore.updateEntity(file, CLAIM_ENTITY, () => [{ type: 'RELEASE', holder: 'w1', by: 'w1', at: T0 }], now);
  assert.equal(u.kind, 'updated');
  r = envelope.readEntity(file, CLAIM_KIND);
  assert.equal(r.envelope.state, 'released');
  assert.equal(r.envelope.rev, 2);

  // A REAP then CLAIM in one update publishes one revision, straight to held by the new owner.
  await entityStore.updateEntity(file, CLAIM_ENTITY, () => [claim('w2', '2-1-x')], now);
  const u2 = await entityStore.updateEntity(file, CLAIM_ENTITY, () => [{ type: 'REAP', holder: 'w2', at: T0 }, claim('w3', '3-1-y')], now);
  assert.equal(u2.kind, 'updated');
  r = envelope.readEntity(file, CLAIM_KIND);
  assert.equal(r.envelope.rev, 4);
  assert.equal(r.envelope.state, 'held');
  assert.equal(r.envelope.context.holder, 'w3');
  assert.equal(r.envelope.context.previous.ended, 'reaped');

  // The file restores into a live actor through the same round trip.
  const snap = entityStore.snapshotOf(CLAIM_ENTITY, r.envelope);
  const actor = createActor(claimMachine, { snapshot: JSON.parse(JSON.stringify(claimMachine.getPersistedSnapshot(snap))) }).start();
  assert.equal(actor.getSnapshot().value, 'held');
  assert.deepEqual(actor.getSnapshot().context, r.envelope.context);

  // A guard-refused event leaves the file byte-for-byte alone.
  const bytes = fs.readFileSync(file);
  const refused = await entityStore.updateEntity(file, CLAIM_ENTITY, () => [claim('thief', '9-9-9')], now);
  assert.equal(refused.kind, 'unchanged');
  assert.deepEqual(fs.readFileSync(file), bytes);
});

test('claim kind: hand-edited contexts are invalid, naming what is wrong', async (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'c.json');
  entityStore.createEntity(file, CLAIM_ENTITY, input, new Date(T0));
  const good = JSON.parse(fs.readFileSync(file, 'utf8'));
  const cases = [
    [{ ...good, context: { ...good.context, holder: 5 } }, /context\.holder/],
    [{ ...good, context: { ...good.context, nonce: '' } }, /context\.nonce/],
    [{ ...good, context: { ...good.context, previous: { holder: 'x', ended: 'exploded', at: T0 } } }, /context\.previous/],
    [{ ...good, state: 'stolen' }, /"state" must be one of held, released, reaped/],
    [{ ...good, machine: 'claim@2' }, /claim@2/],
  ];
  for (const [body, problem] of cases) {
    fs.writeFileSync(file, JSON.stringify(body));
    const r = envelope.readEntity(file, CLAIM_KIND);
    assert.equal(r.kind, 'invalid', JSON.stringify(body));
    assert.match(r.problem, problem);
  }
  fs.writeFileSync(file, JSON.stringify({ ...good, machine: 'claim@2' }));
  assert.equal(envelope.readEntity(file, CLAIM_KIND).newer, true, 'a newer machine version is flagged as newer');
});
