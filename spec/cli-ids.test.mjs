// Ids that can be created can be answered: a worker id leaves room for the `-<n>`
// of its ask ids, and every file name built from an id stays under 255 bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as lib from '../dist/lib.mjs';
import { exitWithin, looop, looopBg, tempDataDir, waitForFile } from './helpers.mjs';

const { MAX_ID_BYTES, MAX_WORKER_ID_BYTES, idProblem } = lib.ids;

test('the caps: ask ids up to 200 bytes, worker and session ids up to 200 minus "-" and 16 digits', () => {
  assert.equal(MAX_ID_BYTES, 200);
  assert.equal(MAX_WORKER_ID_BYTES, 183);
  for (const kind of ['worker id', 'session id']) {
    assert.equal(idProblem('w'.repeat(183), kind), null);
    assert.equal(idProblem(`${'é'.repeat(91)}w`, kind), null, '183 bytes of UTF-8');
    assert.match(idProblem('w'.repeat(184), kind), /longer than 183 bytes \(a .* leaves room for the "-<n>" of its ask ids\)/);
  }
  const biggestAsk = `${'w'.repeat(183)}-${Number.MAX_SAFE_INTEGER}`;
  assert.equal(Buffer.byteLength(biggestAsk), 200);
  assert.equal(idProblem(biggestAsk, 'ask id'), null, 'the largest ask id a capped worker can make is answerable');
  assert.match(idProblem('a'.repeat(201), 'ask id'), /longer than 200 bytes/);
  // The longest names built from an id: a temp beside a record, and a write token.
  const record = path.join('/d', 'asks', `${'a'.repeat(MAX_ID_BYTES)}.json`);
  const temp = path.basename(lib.fsio.tempPathFor(record));
  const worstTemp = Buffer.byteLength(temp) - String(process.pid).length + String(2 ** 22).length + 10; // pid_max, a long-lived counter
  assert.ok(worstTemp < 255, `temp name of ${worstTemp} bytes`);
  assert.ok(Buffer.byteLength(`.${path.basename(record)}.rev${Number.MAX_SAFE_INTEGER}`) < 255);
});

test('a worker id at the cap can ask and be answered; one byte more is refused with the reason', async (t) => {
  const dir = tempDataDir(t);
  const worker = 'w'.repeat(183);
  const asker = looopBg(t, dir, ['ask', worker, '--prompt', 'long id?']);
  await waitForFile(path.join(dir, 'asks', `${worker}-1.json`));
  const r = looop(dir, ['answer', `${worker}-1`, 'yes']);
  assert.equal(r.code, 0, r.stderr);
  await exitWithin(asker, 20_000, 'the ask to print its answer');
  assert.equal(asker.stdout, 'yes\n');

  for (const id of ['w'.repeat(184), 'w'.repeat(199), 'w'.repeat(200)]) {
    for (const args of [['ask', id, '--prompt', 'hi'], ['worker', 'start', id, 'hi', '--command', 'sleep 1 # {{prompt_file}}'], ['claim', 'c', '--session', id]]) {
      const bad = looop(dir, args);
      assert.equal(bad.code, 1, `${args[0]} with a ${id.length}-byte id`);
      assert.match(bad.stderr, /^looop: invalid (worker|session) id "w+": it is longer than 183 bytes/);
      assert.match(bad.stderr, /at most 183 bytes/);
    }
  }
});
