// The pulse in the foreground, driven by the scripted decider (fixtures/runners): the
// forced first beat, waking on a goal edit, the skip gate, failures and their backoff,
// the runner deadline, single instance, graceful stop and a kill mid-beat.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { exitWithin, looop, looopAsync, readJson, tempDataDir, waitFor } from './helpers.mjs';
import { addStep, calls, deciderPid, isEvent, logEvents, scriptedPulseDir, startPulse, waitEvent, waitGone } from './pulse-helpers.mjs';

const decided = isEvent('tick.decided');

test('pulse: the first beat is forced and carries out the one decided move, journaled and recorded', async (t) => {
  const dir = tempDataDir(t, 'pulse-first');
  const queue = scriptedPulseDir(dir, { '01.json': { action: 'write_goal', id: 'ship', body: 'Ship it', journal: 'wrote the ship goal' } });
  const p = startPulse(t, dir);
  const e = await waitEvent(p, decided, 'the first decided beat');
  assert.equal(e.action, 'goal');
  assert.match(e.msg, /wrote the ship goal/);
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'ship.md'), 'utf8'), 'Ship it\n');
  assert.match(fs.readFileSync(path.join(dir, 'journal.md'), 'utf8'), /wrote the ship goal/);
  assert.equal(calls(queue).length, 1);
  assert.ok(fs.existsSync(path.join(dir, 'runs', e.run_id, 'prompt.md')), 'the prompt is kept in the run dir');
  assert.match(fs.readFileSync(`${queue}.last-prompt.md`, 'utf8'), /\.decision\.json/, 'the prompt tells the decider where its move goes');
  assert.equal(fs.existsSync(path.join(dir, '.decision.json')), false, 'the decision is consumed');
  const beat = await waitFor(() => {
    const b = readJson(path.join(dir, 'beat.json'));
    return b.state === 'idle' && b.context.lastDecision !== null ? b : null;
  }, { dir, what: 'beat.json back to idle with the decision' });
  assert.equal(beat.context.lastDecision.runId, e.run_id);
  assert.equal(beat.context.lastDecision.action, 'write_goal');
  assert.equal(beat.context.failures, 0);
  assert.match(fs.readFileSync(path.join(dir, '.last-tick-hash'), 'utf8'), /^[0-9a-f]{32}\n$/);
  p.child.kill('SIGTERM');
  await exitWithin(p, 0, 'the pulse to stop on SIGTERM');
});

test('pulse: a goal written while it sleeps wakes the next beat at once; a wake over an unchanged world costs no decide', async (t) => {
  const dir = tempDataDir(t, 'pulse-wake');
  const queue = scriptedPulseDir(dir, { '01.json': { action: 'noop', reason: 'nothing yet' } });
  const p = startPulse(t, dir);
  await waitEvent(p, decided, 'the first (forced) beat');
  await waitEvent(p, isEvent('sleep'), 'the pulse to go to sleep');
  // A file in answers/ for no ask: a wake, but the world the decider sees is the same.
  fs.writeFileSync(path.join(dir, 'answers', 'nobody-1.txt'), 'stray\n');
  await waitEvent(p, isEvent('tick.skip'), 'a beat that skips the unchanged world');
  assert.equal(calls(queue).length, 1, 'an unchanged world must not call the decider');

  addStep(queue, '02.json', { action: 'noop', reason: 'saw the goal', journal: 'saw the new goal' });
  const r = looop(dir, ['goal', 'write', 'fresh', 'A goal written by a human']);
  assert.equal(r.code, 0, r.stderr);
  // The interval is an hour: only the watch can bring this beat.
  const e = await waitEvent(p, decided, 'a decide after the goal edit', 2);
  assert.match(e.msg, /saw the new goal/);
  assert.equal(calls(queue).length, 2);
  assert.match(fs.readFileSync(`${queue}.last-prompt.md`, 'utf8'), /A goal written by a human/);
});

test('pulse: a runner that writes nothing, bad JSON or a refused move fails the beat; backoff holds until a policy edit, and the next prompt shows the failure', async (t) => {
  const dir = tempDataDir(t, 'pulse-fail');
  const queue = scriptedPulseDir(dir, { '01.none': '' });
  const p = startPulse(t, dir);
  const none = await waitEvent(p, isEvent('tick.no_decision'), 'a beat with no decision');
  assert.equal(none.fails, 1);
  assert.equal(readJson(path.join(dir, '.last-failure.json')).code, 'tick.no_decision');
  assert.equal(fs.existsSync(path.join(dir, '.last-tick-hash')), false, 'a failed beat commits no world hash');

  // A wake that changes nothing the policy hash sees: the backoff holds, no decide.
  fs.writeFileSync(path.join(dir, 'answers', 'nobody-1.txt'), 'stray\n');
  await waitEvent(p, isEvent('tick.backoff'), 'the backoff to hold the beat');
  assert.equal(calls(queue).length, 1);

  addStep(queue, '02.raw', '{"action": "noop", oops');
  looop(dir, ['goal', 'write', 'g1', 'policy edit one']);
  await waitEvent(p, isEvent('tick.backoff_cut'), 'a policy edit to cut the backoff short');
  const bad = await waitEvent(p, (e) => e.event === 'tick.failed', 'a beat failed by malformed JSON');
  assert.match(bad.error, /JSON/);
  assert.equal(bad.fails, 2);

  addStep(queue, '03.json', { action: 'write_goal', id: '../escape', body: 'x' });
  looop(dir, ['goal', 'write', 'g2', 'policy edit two']);
  const refused = await waitEvent(p, (e) => e.event === 'tick.failed', 'a beat failed by a refused id', 2);
  assert.equal(refused.fails, 3);
  assert.equal(fs.existsSync(path.join(dir, 'escape.md')), false);
  assert.equal(fs.existsSync(path.join(path.dirname(dir), 'escape.md')), false);

  addStep(queue, '04.json', { action: 'noop', reason: 'recovered' });
  looop(dir, ['goal', 'write', 'g3', 'policy edit three']);
  await waitEvent(p, decided, 'a good decision after the failures');
  assert.match(fs.readFileSync(`${queue}.last-prompt.md`, 'utf8'), /FAILED/, 'the prompt after a failure shows it');
  await waitFor(() => !fs.existsSync(path.join(dir, '.tick-backoff')) && !fs.existsSync(path.join(dir, '.last-failure.json')), { dir, what: 'success to clear the backoff and the failure record' });
});

test('pulse: a runner hanging past LOOOP_TICK_TIMEOUT_SECS is killed with its group and fails the beat', async (t) => {
  const dir = tempDataDir(t, 'pulse-hang');
  const queue = scriptedPulseDir(dir, { '01.hang': '' });
  const p = startPulse(t, dir, { LOOOP_TICK_TIMEOUT_SECS: '1' });
  const e = await waitEvent(p, isEvent('tick.failed'), 'the hung runner to fail the beat');
  assert.match(e.error, /timed out after 1s/);
  const pid = deciderPid(queue);
  await waitGone(pid, `the hung decider (pid ${pid}) to be gone`);
});

test('pulse: a second pulse is refused naming the first; SIGTERM lets the first finish and release the lock', async (t) => {
  const dir = tempDataDir(t, 'pulse-single');
  scriptedPulseDir(dir);
  const p = startPulse(t, dir);
  await waitEvent(p, isEvent('pulse.start'), 'the first pulse to start');
  const second = await looopAsync(dir, ['pulse']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, new RegExp(`^looop: a pulse is already running \\(pid ${p.child.pid}\\b`, 'm'));
  await waitEvent(p, isEvent('sleep'), 'the first pulse to finish its beat');
  p.child.kill('SIGTERM');
  const exit = await exitWithin(p, 0, 'the pulse to stop on SIGTERM');
  assert.equal(exit.code, 0);
  assert.ok(logEvents(p).some(isEvent('pulse.stop')));
  assert.equal(fs.existsSync(path.join(dir, '.lock', 'pulse.json')), false, 'the lock is released');
});

test('pulse: killed mid-beat, the next pulse reports the interrupted beat once and never re-runs it', async (t) => {
  const dir = tempDataDir(t, 'pulse-kill9');
  const queue = scriptedPulseDir(dir, { '01.hang': '' });
  const first = startPulse(t, dir);
  await waitFor(() => calls(queue).length === 1, { what: 'the decider to start' });
  const runner = deciderPid(queue);
  t.after(() => {
    try {
      process.kill(-runner, 'SIGKILL');
    } catch {}
  });
  first.child.kill('SIGKILL');
  await exitWithin(first, 0, 'the killed pulse');
  assert.equal(readJson(path.join(dir, 'beat.json')).state, 'deciding');

  addStep(queue, '02.json', { action: 'noop', reason: 'after the crash' });
  const second = startPulse(t, dir);
  const gone = await waitEvent(second, isEvent('pulse.interrupted'), 'the interruption report');
  assert.equal(gone.phase, 'deciding');
  assert.equal(gone.pid, first.child.pid);
  await waitEvent(second, decided, 'a fresh beat');
  assert.deepEqual(calls(queue).map((l) => l.split(' ')[0]), ['01.hang', '02.json'], 'the interrupted step is not re-run');
  assert.equal(logEvents(second).filter(isEvent('pulse.interrupted')).length, 1);
  assert.equal(readJson(path.join(dir, 'beat.json')).context.interrupted, null, 'reported once, then cleared');
});

test('pulse: a crashing runner, an unknown action, wrong field types and a 10 MB decision each fail one beat with one clear line, and the pulse beats on', async (t) => {
  const dir = tempDataDir(t, 'pulse-bad');
  const queue = scriptedPulseDir(dir);
  const cases = [
    ['01.crash', '', /the tick runner failed \(exit 3\)/],
    ['02.json', { action: 'launch_rockets' }, /action/],
    ['03.json', { action: 'write_goal', id: 'ship', body: 42 }, /body/],
    ['04.raw', `{"action":"noop","reason":"${'x'.repeat(10 << 20)}"}`, /too big|bytes|large/i],
  ];
  const p = startPulse(t, dir);
  await waitEvent(p, decided, 'the first (empty-script) beat');
  for (const [i, [name, body, why]] of cases.entries()) {
    addStep(queue, name, body);
    looop(dir, ['goal', 'write', `edit${i}`, `policy edit ${i}`]);
    const e = await waitEvent(p, isEvent('tick.failed'), `the beat that plays ${name} to fail`, i + 1);
    assert.match(e.error, why, `${name}: ${e.error}`);
    assert.ok(e.error.length < 2000, 'one line, not a dump');
  }
  assert.equal(fs.existsSync(path.join(dir, 'goals', 'ship.md')), false);
  assert.equal(p.exited, null, 'the pulse is still running');

  // A config broken by hand stops the decide (named), not the pulse; fixed, it decides again.
  const good = fs.readFileSync(path.join(dir, 'config.json'));
  fs.writeFileSync(path.join(dir, 'config.json'), '{ not json');
  looop(dir, ['goal', 'write', 'edit-config', 'after the config broke']);
  const bad = await waitEvent(p, isEvent('tick.error'), 'the beat to report the broken config');
  assert.match(bad.msg, /config\.json/);
  fs.writeFileSync(path.join(dir, 'config.json'), good);
  addStep(queue, '05.json', { action: 'noop', reason: 'config fixed' });
  looop(dir, ['goal', 'write', 'edit-fixed', 'after the config was fixed']);
  await waitEvent(p, (e) => e.event === 'tick.decided' && /config fixed|noop/.test(e.msg), 'a decide once the config is fixed', 2);
});
