// One beat driven in-process with a fake clock (the scripted decider is still a real
// process): the backoff a failed decide arms holds the next beats until the clock says
// its window has passed, with no wall-clock wait; a unchanged world then skips.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createLog, paths as pathsMod, runBeat } from '../dist/lib.mjs';
import { BIN, envFor, tempDataDir } from './helpers.mjs';
import { addStep, calls, scriptedPulseDir } from './pulse-helpers.mjs';

function beatAt(dir, clock) {
  const env = envFor(dir);
  const paths = pathsMod.resolvePaths(env, dir);
  const events = [];
  const ctx = { paths, env, now: () => new Date(clock.ms), warn: () => {}, bin: BIN };
  const log = createLog({ format: 'json', color: false, write: (s) => events.push(JSON.parse(s)), now: ctx.now });
  const deps = { ctx, log, env, cwd: dir, json: true, sessionTtlS: 259200 };
  return { events, beat: (force) => runBeat(deps, force) };
}

test('beat (fake clock): a failed decide backs off for 60 s of the clock, then decides; an unchanged world then skips', async (t) => {
  const dir = tempDataDir(t, 'beat-clock');
  const queue = scriptedPulseDir(dir, { '01.none': '', '02.json': { action: 'noop', reason: 'after the backoff' } });
  const clock = { ms: Date.parse('2026-12-01T12:00:00Z') };
  const { events, beat } = beatAt(dir, clock);
  const names = () => events.map((e) => e.event);

  let r = await beat(true);
  assert.equal(r.decidedOrFailed, true);
  assert.ok(names().includes('tick.no_decision'));
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, '.tick-backoff'), 'utf8')).fails, 1);

  clock.ms += 59_000;
  events.length = 0;
  r = await beat(true);
  assert.equal(r.decidedOrFailed, false, 'inside the 60 s window even a forced beat is held');
  assert.deepEqual(names().filter((n) => n.startsWith('tick.')), ['tick.backoff']);
  assert.equal(calls(queue).length, 1);

  clock.ms += 2_000;
  events.length = 0;
  r = await beat(false);
  assert.equal(r.decidedOrFailed, true, 'past the window the beat decides');
  assert.ok(names().includes('tick.decided'));
  assert.equal(fs.existsSync(path.join(dir, '.tick-backoff')), false);

  events.length = 0;
  clock.ms += 1_000;
  addStep(queue, '03.json', { action: 'noop', reason: 'must not run' });
  r = await beat(false);
  assert.equal(r.decidedOrFailed, false);
  assert.ok(names().includes('tick.skip'));
  assert.equal(calls(queue).length, 2, 'an unchanged world costs no decide');
});

test('beat (fake clock): a sensor whose signal changes every beat is flagged as flapping, named in the next prompt and in state', async (t) => {
  const dir = tempDataDir(t, 'beat-flap');
  const queue = scriptedPulseDir(dir);
  fs.mkdirSync(path.join(dir, 'sensors'), { recursive: true });
  // Its signal is a counter: a new value on every run, the mistake the flap guard exists for.
  fs.writeFileSync(path.join(dir, 'sensors', 'counter.sh'), `#!/bin/bash\nn=$(( $(cat count 2>/dev/null || echo 0) + 1 ))\necho $n > count\necho "{\\"signal\\":{\\"n\\":$n}}"\n`, { mode: 0o755 });
  const clock = { ms: Date.parse('2026-12-01T12:00:00Z') };
  const { events, beat } = beatAt(dir, clock);
  for (let i = 0; i < 6; i++) {
    clock.ms += 60_000;
    const r = await beat(false);
    assert.equal(r.decidedOrFailed, true, `beat ${i}: a changed world decides`);
  }
  const flagged = events.filter((e) => e.event === 'sense.flapping');
  assert.equal(flagged.length, 1, 'warned once, when it is first flagged');
  assert.equal(flagged[0].sensor, 'sensor-counter');
  assert.match(fs.readFileSync(`${queue}.last-prompt.md`, 'utf8'), /FLAPPING[\s\S]*sensor-counter/);
  const { looop } = await import('./helpers.mjs');
  const state = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.deepEqual(state.held_back.filter((h) => h.kind === 'flapping'), [{ kind: 'flapping', sensors: ['sensor-counter'] }]);
});

test('beat: events.jsonl records each beat for tools (tick_start, sense_done, then world_unchanged or decide_start and decided)', async (t) => {
  const dir = tempDataDir(t, 'beat-events');
  scriptedPulseDir(dir, { '01.json': { action: 'noop', reason: 'once' } });
  const clock = { ms: Date.parse('2026-12-01T12:00:00Z') };
  const { beat } = beatAt(dir, clock);
  await beat(true);
  clock.ms += 60_000;
  await beat(false);
  const events = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).event);
  assert.deepEqual(events, ['tick_start', 'sense_done', 'decide_start', 'steered', 'decided', 'tick_start', 'sense_done', 'world_unchanged']);
});
