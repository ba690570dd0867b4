// A schedule falling due wakes a sleeping pulse on time, computed from the files alone:
// writing it only moves the pulse's deadline (no beat), and at the due second the
// sys-schedules signal flips to due, so the beat decides.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { looop, tempDataDir } from './helpers.mjs';
import { addStep, calls, isEvent, logEvents, scriptedPulseDir, startPulse, waitEvent } from './pulse-helpers.mjs';

test('pulse: a one-shot schedule due in 2 s wakes the sleeping pulse when it falls due, not before, and the decider sees it due', async (t) => {
  const dir = tempDataDir(t, 'pulse-sched');
  const queue = scriptedPulseDir(dir, { '01.json': { action: 'noop', reason: 'first' } });
  const p = startPulse(t, dir);
  await waitEvent(p, isEvent('sleep'), 'the pulse to sleep after its first beat');
  const beatsBefore = logEvents(p).filter(isEvent('sense')).length;
  addStep(queue, '02.json', { action: 'noop', reason: 'the schedule fell due' });
  const r = looop(dir, ['schedule', 'write', 'ping', '--in', '2']);
  assert.equal(r.code, 0, r.stderr);
  const at = JSON.parse(fs.readFileSync(path.join(dir, 'schedules', 'ping.json'), 'utf8')).at;
  const e = await waitEvent(p, isEvent('tick.decided'), 'a decide when the schedule falls due', 2);
  assert.match(e.msg, /schedule fell due/);
  assert.ok(Date.now() / 1000 >= at, 'the decide came at or after the due time');
  assert.equal(logEvents(p).filter(isEvent('sense')).length, beatsBefore + 1, 'writing the schedule did not cost a beat of its own; its due time did');
  assert.match(fs.readFileSync(`${queue}.last-prompt.md`, 'utf8'), /"ping":"due"/);
  assert.equal(calls(queue).length, 2);
});
