// The beat machine survives a JSON round trip of its persisted snapshot in every phase,
// and a record left mid-beat by a dead pulse is adopted as an interruption, not re-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { beatMachine, beatContextProblem, createActor, openBeat, advanceBeat, readBeat, paths as pathsLib } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

const at = (s) => `2026-01-01T00:00:${String(s).padStart(2, '0')}.000Z`;

function roundTrip(actor) {
  const text = JSON.stringify(actor.getPersistedSnapshot());
  const restored = createActor(beatMachine, { snapshot: JSON.parse(text) }).start();
  assert.equal(restored.getSnapshot().value, actor.getSnapshot().value);
  assert.deepEqual(restored.getSnapshot().context, actor.getSnapshot().context);
  assert.equal(beatContextProblem(JSON.parse(text).context), null);
  return restored;
}

test('beat machine: idle → sensing → deciding → committing → idle round-trips through JSON at every step', () => {
  let a = createActor(beatMachine, { input: { pid: 100, at: at(0) } }).start();
  assert.equal(a.getSnapshot().value, 'idle');
  a = roundTrip(a);
  a.send({ type: 'SENSE', at: at(1) });
  a.send({ type: 'SENSED', at: at(2), worldHash: 'ab'.repeat(16) });
  assert.equal(a.getSnapshot().value, 'sensing');
  a = roundTrip(a);
  a.send({ type: 'DECIDE', at: at(3), runId: 'tick-20260101-000003' });
  assert.equal(a.getSnapshot().value, 'deciding');
  assert.equal(a.getSnapshot().context.runId, 'tick-20260101-000003');
  a = roundTrip(a);
  a.send({ type: 'DECIDED', at: at(4), action: 'write_goal', summary: 'write-goal ship' });
  assert.equal(a.getSnapshot().value, 'committing');
  a = roundTrip(a);
  a.send({ type: 'COMMITTED', at: at(5) });
  const c = a.getSnapshot().context;
  assert.equal(a.getSnapshot().value, 'idle');
  assert.equal(c.runId, null);
  assert.equal(c.worldHash, 'ab'.repeat(16));
  assert.deepEqual(c.lastDecision, { runId: 'tick-20260101-000003', action: 'write_goal', summary: 'write-goal ship', at: at(4) });
  assert.equal(c.phaseSince, at(5));
  roundTrip(a);
});

test('beat machine: an unchanged world skips back to idle; failures count up and a decision resets them', () => {
  let a = createActor(beatMachine, { input: { pid: 100, at: at(0) } }).start();
  a.send({ type: 'SENSE', at: at(1) });
  a.send({ type: 'SKIP', at: at(2), reason: 'world unchanged' });
  assert.equal(a.getSnapshot().value, 'idle');
  assert.equal(a.getSnapshot().context.lastOutcome, 'skipped: world unchanged');
  for (let i = 0; i < 2; i++) {
    a.send({ type: 'SENSE', at: at(3) });
    a.send({ type: 'DECIDE', at: at(4), runId: `tick-${i}` });
    a = roundTrip(a);
    a.send({ type: 'FAIL', at: at(5), reason: 'runner exited 1' });
  }
  assert.equal(a.getSnapshot().context.failures, 2);
  assert.equal(a.getSnapshot().context.lastOutcome, 'failed: runner exited 1');
  a = roundTrip(a);
  a.send({ type: 'SENSE', at: at(6) });
  a.send({ type: 'DECIDE', at: at(7), runId: 'tick-ok' });
  a.send({ type: 'DECIDED', at: at(8), action: 'noop', summary: 'noop · steady' });
  assert.equal(a.getSnapshot().context.failures, 2, 'a parsed decision is not yet a carried-out move');
  a.send({ type: 'FAIL', at: at(9), reason: 'execution failed' });
  assert.equal(a.getSnapshot().context.failures, 3, 'a decision whose execution fails counts as a failure');
  a.send({ type: 'SENSE', at: at(10) });
  a.send({ type: 'DECIDE', at: at(11), runId: 'tick-ok2' });
  a.send({ type: 'DECIDED', at: at(12), action: 'noop', summary: 'noop · steady' });
  a = roundTrip(a);
  a.send({ type: 'COMMITTED', at: at(13) });
  assert.equal(a.getSnapshot().context.failures, 0);
  assert.equal(a.getSnapshot().context.lastOutcome, null);
});

test('beat machine: a record left mid-beat is adopted as an interruption (reported once), never resumed', () => {
  for (const phase of ['sensing', 'deciding', 'committing']) {
    let a = createActor(beatMachine, { input: { pid: 100, at: at(0) } }).start();
    a.send({ type: 'SENSE', at: at(1) });
    if (phase !== 'sensing') a.send({ type: 'DECIDE', at: at(2), runId: 'tick-dead' });
    if (phase === 'committing') a.send({ type: 'DECIDED', at: at(3), action: 'run_shell', summary: 'run-shell · x' });
    assert.equal(a.getSnapshot().value, phase);
    // The pulse is killed here: only the persisted record survives.
    a = roundTrip(a);
    a.send({ type: 'ADOPT', at: at(9), pid: 200 });
    const c = a.getSnapshot().context;
    assert.equal(a.getSnapshot().value, 'idle', `${phase}: the new pulse starts from idle`);
    assert.deepEqual(c.interrupted, { phase, runId: phase === 'sensing' ? null : 'tick-dead', pid: 100, at: at(9) });
    assert.equal(c.pid, 200);
    assert.equal(c.runId, null);
    a = roundTrip(a);
    a.send({ type: 'REPORTED', at: at(10) });
    assert.equal(a.getSnapshot().context.interrupted, null);
  }
  // An idle record adopted by a new pulse is no interruption.
  const a = createActor(beatMachine, { input: { pid: 100, at: at(0) } }).start();
  a.send({ type: 'ADOPT', at: at(1), pid: 300 });
  assert.equal(a.getSnapshot().context.interrupted, null);
  assert.equal(a.getSnapshot().context.pid, 300);
});

test('beat context validator names the bad field', () => {
  const a = createActor(beatMachine, { input: { pid: 1, at: at(0) } }).start();
  const good = a.getSnapshot().context;
  assert.equal(beatContextProblem(good), null);
  assert.match(beatContextProblem({ ...good, failures: -1 }), /failures/);
  assert.match(beatContextProblem({ ...good, interrupted: { phase: 'napping', runId: null, pid: 1, at: 'x' } }), /interrupted/);
  assert.match(beatContextProblem([]), /not an object/);
});

test('beat record: persisted through the store; a pulse SIGKILLed mid-beat is adopted as interrupted by the next', async (t) => {
  const dir = tempDataDir(t);
  const ctx = { paths: pathsLib.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env: {}, now: () => new Date(), warn: () => {}, bin: 'looop' };
  // A real process walks the beat into `deciding`, says so, and is killed there.
  const lib = new URL('../dist/lib.mjs', import.meta.url).href;
  const script = `const l = await import(${JSON.stringify(lib)});
    const ctx = { paths: l.paths.resolvePaths({ LOOOP_DATA_DIR: ${JSON.stringify(dir)} }, '/'), env: {}, now: () => new Date(), warn: () => {}, bin: 'looop' };
    await l.openBeat(ctx, process.pid);
    const at = new Date().toISOString();
    await l.advanceBeat(ctx, { type: 'SENSE', at }, { type: 'SENSED', at, worldHash: 'h1' }, { type: 'DECIDE', at, runId: 'tick-killed' });
    process.stdout.write('deciding\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { try { child.kill('SIGKILL'); } catch {} });
  await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (d) => { seen += d; if (seen.includes('deciding')) resolve(); });
    child.on('exit', (code) => reject(new Error(`the beat process exited (${code}) before reaching deciding; printed ${JSON.stringify(seen)}`)));
  });
  const dead = child.pid;
  child.kill('SIGKILL');
  await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', resolve)));

  const left = readBeat(ctx);
  assert.equal(left.kind, 'ok');
  assert.equal(left.envelope.machine, 'beat@1');
  assert.equal(left.envelope.state, 'deciding', 'the record shows what the dead pulse was doing');
  assert.equal(left.envelope.context.runId, 'tick-killed');

  const opened = await openBeat(ctx, process.pid);
  assert.equal(opened.kind, 'ok');
  assert.equal(opened.envelope.state, 'idle', 'never resumed mid-beat');
  assert.deepEqual({ ...opened.envelope.context.interrupted, at: 'x' }, { phase: 'deciding', runId: 'tick-killed', pid: dead, at: 'x' });
  assert.equal(opened.envelope.context.worldHash, 'h1');
  const reported = await advanceBeat(ctx, { type: 'REPORTED', at: new Date().toISOString() });
  assert.equal(reported.envelope.context.interrupted, null);
  // Opening again over an idle record reports nothing.
  const again = await openBeat(ctx, process.pid);
  assert.equal(again.envelope.context.interrupted, null);

  // A corrupt record is reported by name, never overwritten.
  fs.writeFileSync(path.join(dir, 'beat.json'), '{ nope');
  const bad = await openBeat(ctx, process.pid);
  assert.equal(bad.kind, 'invalid');
  assert.equal(fs.readFileSync(path.join(dir, 'beat.json'), 'utf8'), '{ nope');
});
