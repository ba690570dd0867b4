// kill -9 of the pulse at random instants of its beats: every restart starts cleanly and
// reports a beat it finds cut short, beat.json always reads as a valid record, no file a
// move wrote is ever half-written, and every journal line names a move that happened.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { exitWithin, readJson, tempDataDir, waitFor } from './helpers.mjs';
import { addStep, calls, isEvent, logEvents, scriptedPulseDir, startPulse, waitEvent } from './pulse-helpers.mjs';

const KILLS = 8;
const BODY = (i) => `goal ${i}\n${'x'.repeat(20_000)}\n`;

test('pulse: SIGKILLed at random instants of its beats, it loses no committed move and every restart recovers or reports', async (t) => {
  const dir = tempDataDir(t, 'pulse-kill9');
  const queue = scriptedPulseDir(dir);
  // Each step writes a goal, and each goal written wakes the next beat: the pulse decides back to back.
  for (let i = 0; i < KILLS * 3; i++) addStep(queue, `${String(i).padStart(3, '0')}.json`, { action: 'write_goal', id: `g${i}`, body: BODY(i), journal: `wrote g${i}` });
  let interrupted = 0;
  for (let k = 0; k < KILLS; k++) {
    const before = calls(queue).length;
    const p = startPulse(t, dir);
    await waitEvent(p, isEvent('pulse.start'), `restart ${k} to start`);
    interrupted += logEvents(p).filter(isEvent('pulse.interrupted')).length;
    // Let it get somewhere: at least one more decider run, then a random extra moment.
    await waitFor(() => calls(queue).length > before, { what: `restart ${k} to run the decider` });
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)));
    p.child.kill('SIGKILL');
    await exitWithin(p, 0, 'the killed pulse');
    const beat = readJson(path.join(dir, 'beat.json'));
    assert.ok(['idle', 'sensing', 'deciding', 'committing'].includes(beat.state), `beat.json state ${beat.state}`);
    assert.equal(beat.machine, 'beat@1');
  }
  // A last pulse runs the rest of the script to its end.
  const last = startPulse(t, dir);
  await waitFor(() => fs.readdirSync(queue).filter((n) => n.endsWith('.json')).length === 0 && logEvents(last).some(isEvent('sleep')) && calls(queue).at(-1)?.startsWith('(empty)'), {
    dir: queue,
    what: 'the last pulse to play the rest of the script',
    describe: () => calls(queue).slice(-3).join(' | '),
  });
  interrupted += logEvents(last).filter(isEvent('pulse.interrupted')).length;

  const journal = fs.readFileSync(path.join(dir, 'journal.md'), 'utf8');
  for (const m of journal.matchAll(/wrote g(\d+)/g)) {
    assert.equal(fs.readFileSync(path.join(dir, 'goals', `g${m[1]}.md`), 'utf8'), BODY(Number(m[1])), `g${m[1]} is journaled, so it is whole`);
  }
  for (const name of fs.readdirSync(path.join(dir, 'goals')).filter((n) => n.endsWith('.md'))) {
    const i = Number(/^g(\d+)\.md$/.exec(name)[1]);
    assert.equal(fs.readFileSync(path.join(dir, 'goals', name), 'utf8'), BODY(i), `${name} is never half-written`);
  }
  const leftovers = fs.readdirSync(dir).filter((n) => /\.tmp|\.rev\d+$/.test(n));
  assert.deepEqual(leftovers, [], `no temp files or write tokens are left in the data dir: ${leftovers.join(', ')}`);
  assert.ok(interrupted <= KILLS, 'at most one interruption report per kill');
  assert.equal(readJson(path.join(dir, 'beat.json')).context.interrupted, null);
  last.child.kill('SIGTERM');
  await exitWithin(last, 0, 'the last pulse to stop');
});
