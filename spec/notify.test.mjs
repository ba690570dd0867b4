// Notifications through a real `looop pulse`: `notify_command` runs once per new ask,
// with the event on stdin and in LOOOP_* variables; the ledger keeps it to once across
// a pulse restart; a hanging notifier never holds the beat and dies at its deadline; a
// failing one is one log line, not a retry; a wrong type in config.json is a named error.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES, exitWithin, looop, looopBg, tempDataDir, waitFor } from './helpers.mjs';
import { isEvent, logEvents, scriptedPulseDir, startPulse, waitEvent } from './pulse-helpers.mjs';
import { record, running, sessionsDataDir, startWorker, waitOutput } from './sessions-helpers.mjs';

const RECORD = path.join(FIXTURES, 'notify', 'record.mjs');
const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;

/** A data dir whose pulse notifies through the recording fixture; returns where the records go. */
function notifyDir(t, label, { tail = '', config = {}, sessions = false } = {}) {
  const dir = sessions ? sessionsDataDir(t, label) : tempDataDir(t, label);
  const out = `${dir}.notified.jsonl`;
  scriptedPulseDir(dir, {}, { notify_command: `node ${q(RECORD)} ${q(out)}${tail}`, ...config });
  return { dir, out };
}

function records(out) {
  try {
    return fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
}

const forAsk = (id) => (r) => r.env.LOOOP_ASK_ID === id;
const about = (name, key) => (e) => e.event === name && e.key === key;

function waitRecord(out, pred, what) {
  return waitFor(() => records(out).find(pred), { dir: path.dirname(out), what, describe: () => JSON.stringify(records(out).map((r) => r.env.LOOOP_ASK_ID)) });
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    if (e.code === 'ESRCH') return false;
    throw e;
  }
}

/** Kills a notifier group the test left running (the pulse does not own it once the test is over). */
function reap(t, pgid) {
  t.after(() => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {}
  });
}

test('notify: each new ask runs notify_command once, with the event as JSON on stdin and in LOOOP_* variables', async (t) => {
  const { dir, out } = notifyDir(t, 'notify-ask');
  const pulse = startPulse(t, dir);
  await waitEvent(pulse, isEvent('pulse.start'), 'the pulse to start');
  const prompt = `Ship it? It's "done" — $(touch ${dir}/pwned)\nsecond line`;
  looopBg(t, dir, ['ask', 'w1', '--prompt', prompt, '--options', 'yes', '--options', 'no']);
  const first = await waitRecord(out, forAsk('w1-1'), 'the notifier to run for ask w1-1');
  assert.equal(first.env.LOOOP_EVENT, 'ask');
  assert.equal(first.env.LOOOP_WORKER, 'w1');
  assert.equal(first.env.LOOOP_PROMPT, prompt);
  assert.equal(first.env.LOOOP_OPTIONS, 'yes\nno');
  assert.equal(first.env.LOOOP_DATA_DIR, dir);
  const event = JSON.parse(first.stdin);
  assert.deepEqual(
    { event: event.event, ask_id: event.ask_id, worker: event.worker, prompt: event.prompt, options: event.options, data_dir: event.data_dir },
    { event: 'ask', ask_id: 'w1-1', worker: 'w1', prompt, options: ['yes', 'no'], data_dir: dir },
  );
  assert.equal(fs.existsSync(path.join(dir, 'pwned')), false, 'the prompt reached a shell');
  await waitEvent(pulse, about('notify.sent', 'w1-1'), 'the pulse to log ask w1-1 as notified');

  looopBg(t, dir, ['ask', 'w2', '--prompt', 'second']);
  await waitEvent(pulse, about('notify.sent', 'w2-1'), 'the pulse to notify ask w2-1');
  // Later beats (w2's ask woke one) saw w1-1 still pending and did not notify it again.
  assert.deepEqual(records(out).map((r) => r.env.LOOOP_ASK_ID), ['w1-1', 'w2-1']);
  assert.equal(logEvents(pulse).filter(isEvent('notify')).length, 2);
});

test('notify: exactly once across a pulse restart — the same ask is not notified again, a new one is', async (t) => {
  const { dir, out } = notifyDir(t, 'notify-restart');
  const first = startPulse(t, dir);
  await waitEvent(first, isEvent('pulse.start'), 'the first pulse to start');
  looopBg(t, dir, ['ask', 'w1', '--prompt', 'still there after the restart?']);
  await waitEvent(first, about('notify.sent', 'w1-1'), 'the first pulse to notify ask w1-1');
  first.child.kill('SIGKILL');
  await exitWithin(first, 0, 'the killed pulse');

  const second = startPulse(t, dir);
  await waitEvent(second, isEvent('pulse.start'), 'the second pulse to start');
  looopBg(t, dir, ['ask', 'w2', '--prompt', 'new after the restart']);
  await waitEvent(second, about('notify.sent', 'w2-1'), 'the second pulse to notify the new ask w2-1');
  // Every beat of the second pulse saw w1-1 pending (its asker still waits): none notified it.
  assert.deepEqual(logEvents(second).filter(isEvent('notify')).map((e) => e.key), ['w2-1']);
  assert.deepEqual(records(out).map((r) => r.env.LOOOP_ASK_ID), ['w1-1', 'w2-1']);
});

test('notify: a notifier that hangs does not hold the beat: the next ask is notified while it still runs', async (t) => {
  const { dir, out } = notifyDir(t, 'notify-hang', { tail: ' && exec sleep 600' });
  const pulse = startPulse(t, dir);
  await waitEvent(pulse, isEvent('pulse.start'), 'the pulse to start');
  looopBg(t, dir, ['ask', 'w1', '--prompt', 'one']);
  const hung = await waitRecord(out, forAsk('w1-1'), 'the first notifier to run');
  reap(t, hung.ppid);
  looopBg(t, dir, ['ask', 'w2', '--prompt', 'two']);
  const next = await waitRecord(out, forAsk('w2-1'), 'the second ask to be notified while the first notifier hangs');
  reap(t, next.ppid);
  await waitEvent(pulse, (e) => e.event === 'tick' || e.event === 'sleep', 'the beat to go on');
  assert.ok(groupAlive(hung.ppid), 'the first notifier (sleep 600, deadline 30s) should still be running');
  assert.equal(logEvents(pulse).filter(isEvent('notify.fail')).length, 0);
});

test('notify: a notifier still running at LOOOP_NOTIFY_TIMEOUT_SECS loses its whole process group, in one log line', async (t) => {
  const { dir, out } = notifyDir(t, 'notify-deadline', { tail: ' && sleep 600' });
  const pulse = startPulse(t, dir, { LOOOP_NOTIFY_TIMEOUT_SECS: '1' });
  await waitEvent(pulse, isEvent('pulse.start'), 'the pulse to start');
  looopBg(t, dir, ['ask', 'w1', '--prompt', 'one']);
  const hung = await waitRecord(out, forAsk('w1-1'), 'the notifier to run');
  reap(t, hung.ppid);
  const fail = await waitEvent(pulse, about('notify.fail', 'w1-1'), 'the deadline to end the notifier');
  assert.match(fail.msg, /^notify_command for ask w1-1 still running after 1s \(LOOOP_NOTIFY_TIMEOUT_SECS\) — killed its process group — not retried$/);
  await waitFor(() => !groupAlive(hung.ppid), { what: `notifier group ${hung.ppid} (sh and its sleep) to be gone` });
});

test('notify: a failing notifier is one log line with its last words, and is not retried', async (t) => {
  const { dir, out } = notifyDir(t, 'notify-fail', { tail: ' fail' });
  const pulse = startPulse(t, dir);
  await waitEvent(pulse, isEvent('pulse.start'), 'the pulse to start');
  looopBg(t, dir, ['ask', 'w1', '--prompt', 'one']);
  const fail = await waitEvent(pulse, about('notify.fail', 'w1-1'), 'the failure to be logged');
  assert.equal(fail.level, 'warn');
  assert.equal(fail.msg, 'notify_command for ask w1-1 exited 3: push refused: no route to the phone — not retried');
  looopBg(t, dir, ['ask', 'w2', '--prompt', 'two']);
  await waitEvent(pulse, about('notify.fail', 'w2-1'), 'the second failure to be logged');
  assert.equal(logEvents(pulse).filter(about('notify.fail', 'w1-1')).length, 1);
  assert.deepEqual(records(out).map((r) => r.env.LOOOP_ASK_ID), ['w1-1', 'w2-1']);
  assert.equal(pulse.exited, null, 'the pulse must keep running');
});

test('notify: a wrong notify_command or notify_on in config.json is one line naming the file', async (t) => {
  const dir = tempDataDir(t, 'notify-config');
  const config = path.join(dir, 'config.json');
  const cases = [
    [{ notify_command: 42 }, /has a number for "notify_command" \(expected a shell command string\)/],
    [{ notify_command: ['notify-send', 'hi'] }, /has a list for "notify_command"/],
    [{ notify_command: '  ' }, /has an empty "notify_command"/],
    [{ notify_command: 'true', notify_on: ['ask', 'sometimes'] }, /has \["ask","sometimes"\] for "notify_on" \(expected a list of "ask", "stuck", "dead", "pulse_down"\)/],
    [{ notify_command: 'true', notify_on: 'ask' }, /for "notify_on"/],
  ];
  for (const [body, want] of cases) {
    fs.writeFileSync(config, JSON.stringify({ tick_command: 'true', ...body }));
    const r = looop(dir, ['pulse']);
    assert.notEqual(r.code, 0, JSON.stringify(body));
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0], new RegExp(`config ${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `), `${JSON.stringify(body)}: ${r.stderr}`);
    assert.match(lines[0], want, `${JSON.stringify(body)}: ${r.stderr}`);
  }
});

test('notify: with notify_on, a worker turning stuck and one turning dead are notified once each', async (t) => {
  const { dir, out } = notifyDir(t, 'notify-workers', { sessions: true, config: { notify_on: ['stuck', 'dead'] } });
  startWorker(t, dir, 's1', 'echo up {{prompt_file}}; read -r _');
  startWorker(t, dir, 'd1', 'echo up {{prompt_file}}; read -r _');
  await waitOutput(dir, 's1', /up/);
  await waitOutput(dir, 'd1', /up/);
  const host = record(dir, 'd1').context.host;
  process.kill(host.pid, 'SIGKILL');
  await waitFor(() => !running(host), { what: 'the d1 host to die' });
  // Stuck after 0 s of silence: s1 is stuck from the first beat.
  const pulse = startPulse(t, dir, { LOOOP_WORKER_STUCK_SECS: '0' });
  const stuck = await waitRecord(out, (r) => r.env.LOOOP_EVENT === 'stuck', 'the stuck worker to be notified');
  const dead = await waitRecord(out, (r) => r.env.LOOOP_EVENT === 'dead', 'the dead worker to be notified');
  assert.deepEqual([stuck.env.LOOOP_WORKER, stuck.env.LOOOP_HEALTH, dead.env.LOOOP_WORKER, dead.env.LOOOP_HEALTH], ['s1', 'stuck', 'd1', 'dead']);
  assert.equal(JSON.parse(stuck.stdin).event, 'stuck');
  // Asks are not in notify_on: this one only wakes another beat, which must not repeat either event.
  looopBg(t, dir, ['ask', 'w9', '--prompt', 'not notified']);
  await waitEvent(pulse, isEvent('wake'), 'the ask to wake a beat');
  await waitEvent(pulse, isEvent('sleep'), 'that beat to end', logEvents(pulse).filter(isEvent('sleep')).length + 1);
  assert.deepEqual(records(out).map((r) => r.env.LOOOP_EVENT).sort(), ['dead', 'stuck']);
});

test('notify: with notify_on "pulse_down", a pulse told to stop says so once, and the notifier outlives it', async (t) => {
  const { dir, out } = notifyDir(t, 'notify-down', { config: { notify_on: ['ask', 'pulse_down'] } });
  const pulse = startPulse(t, dir);
  await waitEvent(pulse, isEvent('pulse.start'), 'the pulse to start');
  pulse.child.kill('SIGTERM');
  await exitWithin(pulse, 0, 'the pulse to stop on SIGTERM');
  // The notifier reads its event from a file, so the pulse being gone loses nothing.
  const down = await waitRecord(out, (r) => r.env.LOOOP_EVENT === 'pulse_down', 'the pulse_down notification');
  assert.equal(down.env.LOOOP_REASON, 'stopped by a signal');
  assert.equal(down.env.LOOOP_PULSE_PID, String(pulse.child.pid));
  assert.deepEqual(
    (({ event, pid, reason }) => ({ event, pid, reason }))(JSON.parse(down.stdin)),
    { event: 'pulse_down', pid: pulse.child.pid, reason: 'stopped by a signal' },
  );
  assert.equal(records(out).length, 1);
});

test('notify: a .notified that is a symlink is refused in one log line, and nothing is written through it', async (t) => {
  const { dir, out } = notifyDir(t, 'notify-hostile');
  const elsewhere = tempDataDir(t, 'notify-elsewhere');
  fs.symlinkSync(elsewhere, path.join(dir, '.notified'));
  const pulse = startPulse(t, dir);
  await waitEvent(pulse, isEvent('pulse.start'), 'the pulse to start');
  looopBg(t, dir, ['ask', 'w1', '--prompt', 'one']);
  const fail = await waitEvent(pulse, isEvent('notify.fail'), 'the refusal to be logged');
  assert.match(fail.msg, /^could not notify: .*\/\.notified is not a directory \(a symlink\) — no notifications until it is moved aside$/);
  assert.deepEqual(fs.readdirSync(elsewhere), []);
  assert.deepEqual(records(out), []);
  assert.equal(pulse.exited, null);
});

test('notify: a marker goes once its ask is archived, so the ledger does not grow without bound', async (t) => {
  const { dir } = notifyDir(t, 'notify-prune');
  const marker = path.join(dir, '.notified', 'ask', 'w1-1');
  const pulse = startPulse(t, dir);
  await waitEvent(pulse, isEvent('pulse.start'), 'the pulse to start');
  const asker = looopBg(t, dir, ['ask', 'w1', '--prompt', 'one']);
  await waitEvent(pulse, about('notify.sent', 'w1-1'), 'ask w1-1 to be notified');
  assert.ok(fs.existsSync(marker), 'the marker is written before the notifier runs');
  assert.equal(looop(dir, ['answer', 'w1-1', 'yes']).code, 0);
  assert.equal((await exitWithin(asker, 0, 'the asker to take its answer')).code, 0);
  // Every later beat prunes; a new ask wakes one.
  looopBg(t, dir, ['ask', 'w2', '--prompt', 'two']);
  await waitFor(() => !fs.existsSync(marker), { dir: path.dirname(marker), what: 'the marker of the archived ask w1-1 to go' });
  await waitEvent(pulse, about('notify.sent', 'w2-1'), 'ask w2-1 to be notified');
  assert.ok(fs.existsSync(path.join(dir, '.notified', 'ask', 'w2-1')), 'a pending ask keeps its marker');
});
