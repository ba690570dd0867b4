// End to end with a fake agent started by `worker start`: it claims, asks (the
// test answers with `looop answer`), reports and kills itself. While it waits it
// shows as waiting-ask; when it is done its session is killed and its claim released.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURES, looop, readJson, waitForFile } from './helpers.mjs';
import { record, startWorker, waitOutput, waitState, sessionsDataDir } from './sessions-helpers.mjs';

test('a contract-following agent claims, asks, gets its answer, reports and kills itself', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'agent1', `bash ${FIXTURES}/agents/contract-agent.sh {{prompt_file}}`, { prompt: 'Write a colour report.' });
  await waitForFile(path.join(dir, 'asks', 'agent1-1.json'), 15_000);
  const claim = readJson(path.join(dir, 'claims', 'task-agent1.json'));
  assert.deepEqual([claim.state, claim.context.holder], ['held', 'agent1'], 'it claimed before asking');
  const asks = JSON.parse(looop(dir, ['asks', '--json']).stdout);
  assert.deepEqual(asks.map((a) => [a.id, a.worker, a.prompt, a.options]), [['agent1-1', 'agent1', 'Which colour should the report be?', ['red', 'blue']]]);
  const fleet = JSON.parse(looop(dir, ['worker', 'list', '--json']).stdout);
  assert.deepEqual(fleet.map((w) => [w.id, w.health]), [['pulse', 'down'], ['agent1', 'waiting-ask']]);
  assert.equal(typeof fleet[1].ask_age_s, 'number');

  const a = looop(dir, ['answer', 'agent1-1', 'blue']);
  assert.equal(a.code, 0, a.stderr);
  const rec = await waitState(dir, 'agent1', 'killed', 20_000);
  assert.equal(rec.context.escalated, false);
  assert.equal(fs.readFileSync(path.join(dir, 'reports', 'agent1.md'), 'utf8'), '# agent1\n\nThe human chose blue.\n');
  assert.equal(readJson(path.join(dir, 'claims', 'task-agent1.json')).state, 'released');
  await waitOutput(dir, 'agent1', /answer: blue/);
  assert.doesNotMatch(fs.readFileSync(path.join(dir, 'sessions', 'agent1', 'output.log'), 'utf8'), /still alive after kill/);
  assert.equal(record(dir, 'agent1').state, 'killed');
  const all = JSON.parse(looop(dir, ['worker', 'list', '--json', '-a']).stdout);
  assert.deepEqual(all.map((w) => [w.id, w.state, w.health]), [['pulse', 'down', 'down'], ['agent1', 'killed', 'killed']]);
});
