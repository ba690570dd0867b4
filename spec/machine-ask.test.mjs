// The ask machine survives a JSON round trip of its persisted snapshot in every state,
// and the restored actor carries on exactly like the original.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { askMachine, createActor } from '../dist/lib.mjs';

const input = { id: 'w1-1', worker: 'w1', prompt: 'Ship it?', reference: 'reports/w1.md', options: ['yes', 'no'], ts: 1767225600, asker: { pid: 4242, start: '123' } };

function roundTrip(actor) {
  const text = JSON.stringify(actor.getPersistedSnapshot());
  const restored = createActor(askMachine, { snapshot: JSON.parse(text) }).start();
  assert.equal(restored.getSnapshot().value, actor.getSnapshot().value);
  assert.deepEqual(restored.getSnapshot().context, actor.getSnapshot().context);
  assert.equal(restored.getSnapshot().status, actor.getSnapshot().status);
  return restored;
}

test('ask machine: pending → answered → delivered round-trips through JSON at every step', () => {
  let actor = createActor(askMachine, { input }).start();
  assert.equal(actor.getSnapshot().value, 'pending');
  assert.deepEqual(actor.getSnapshot().context.options, ['yes', 'no']);
  actor = roundTrip(actor);
  actor.send({ type: 'ANSWER', file: 'answers/w1-1.json', at: '2026-01-01T00:00:01.000Z' });
  assert.equal(actor.getSnapshot().value, 'answered');
  actor = roundTrip(actor);
  // `answer --force` replaces an unread answer, also after a restore.
  actor.send({ type: 'ANSWER', file: 'answers/w1-1.md', at: '2026-01-01T00:00:02.000Z' });
  assert.deepEqual(actor.getSnapshot().context.answer, { file: 'answers/w1-1.md', at: '2026-01-01T00:00:02.000Z' });
  actor = roundTrip(actor);
  actor.send({ type: 'DELIVER', at: '2026-01-01T00:00:03.000Z' });
  assert.equal(actor.getSnapshot().value, 'delivered');
  assert.equal(actor.getSnapshot().status, 'done', 'delivered is final');
  actor = roundTrip(actor);
  actor.send({ type: 'ANSWER', file: 'answers/late.json', at: '2026-01-01T00:00:04.000Z' });
  assert.equal(actor.getSnapshot().value, 'delivered', 'a final ask ignores later answers');
  assert.equal(actor.getSnapshot().context.answer.file, 'answers/w1-1.md');
});

test('ask machine: pending → stranded round-trips, and a stranded ask still records a human answer', () => {
  let actor = createActor(askMachine, { input }).start();
  actor.send({ type: 'STRAND', at: '2026-01-01T00:00:05.000Z', reason: 'asker gone' });
  assert.equal(actor.getSnapshot().value, 'stranded');
  actor = roundTrip(actor);
  actor.send({ type: 'ANSWER', file: 'answers/w1-1.txt', at: '2026-01-01T00:00:06.000Z' });
  assert.equal(actor.getSnapshot().value, 'stranded');
  assert.equal(actor.getSnapshot().context.answer.file, 'answers/w1-1.txt');
  assert.deepEqual(actor.getSnapshot().context.stranded, { at: '2026-01-01T00:00:05.000Z', reason: 'asker gone' });
  actor = roundTrip(actor);
  actor.send({ type: 'DELIVER', at: '2026-01-01T00:00:07.000Z' });
  assert.equal(actor.getSnapshot().value, 'stranded', 'nobody can deliver a stranded ask');
});

test('ask machine: an answered ask whose asker died is stranded, keeping the answer', () => {
  let actor = createActor(askMachine, { input }).start();
  actor.send({ type: 'ANSWER', file: 'answers/w1-1.json', at: '2026-01-01T00:00:01.000Z' });
  actor = roundTrip(actor);
  actor.send({ type: 'STRAND', at: '2026-01-01T00:00:02.000Z', reason: 'the asking process is gone' });
  assert.equal(actor.getSnapshot().value, 'stranded');
  assert.deepEqual(actor.getSnapshot().context.answer, { file: 'answers/w1-1.json', at: '2026-01-01T00:00:01.000Z' });
  actor = roundTrip(actor);
  actor.send({ type: 'DELIVER', at: '2026-01-01T00:00:03.000Z' });
  assert.equal(actor.getSnapshot().value, 'stranded');
});
