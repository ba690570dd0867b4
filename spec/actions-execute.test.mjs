// The one action path in-process (reference §8.12–§8.16, §11.6, §11.23, §11.39):
// executeAction / executeDecision with real bash for run_shell, the write-ahead
// intent record judged with a fake clock, and schedules read at chosen instants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  paths, executeAction, executeDecision, readLastShell, reportWalCorpses, writeIntent, clearIntent, walFingerprint,
  nextScheduleDueMs, writeSchedule, dropSchedule, listSchedules, parseSchedule, scheduleReading, sysSchedules,
} from '../dist/lib.mjs';
import { tempDataDir, waitFor } from './helpers.mjs';

function ctxFor(dir, { env = {}, now = () => new Date(), warned = [] } = {}) {
  const e = { PATH: process.env.PATH, HOME: process.env.HOME, LOOOP_DATA_DIR: dir, ...env };
  return { paths: paths.resolvePaths(e, dir), env: e, now, warn: (k, m) => warned.push(m), bin: 'looop' };
}

const JOURNAL_LINE = /^- \d{4}-\d\d-\d\d \d\d:\d\d (.*)$/;
function journal(dir) {
  const f = path.join(dir, 'journal.md');
  if (!fs.existsSync(f)) return [];
  return fs.readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
    const m = JOURNAL_LINE.exec(l);
    assert.ok(m, `journal line shape: ${JSON.stringify(l)}`);
    return m[1];
  });
}
const events = (dir) => (fs.existsSync(path.join(dir, 'events.jsonl')) ? fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
const walFiles = (dir) => fs.readdirSync(dir).filter((n) => n.startsWith('.action-wal'));
const lastShell = (dir) => JSON.parse(fs.readFileSync(path.join(dir, '.last-shell.json'), 'utf8'));

test('write_goal and archive_goal round-trip through executeAction, each journaled, goal-stamped and recorded as an event', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const w = await executeAction(ctx, { action: 'write_goal', id: 'ship', body: 'ship v2' }, { source: 'pulse', runId: 'tick-1' });
  assert.deepEqual({ ...w, effect: undefined }, { kind: 'ok', word: 'goal', summary: 'write-goal ship', journal: 'write-goal ship', nextIntervalS: null, effect: undefined });
  assert.equal(fs.readFileSync(path.join(dir, 'goals', 'ship.md'), 'utf8'), 'ship v2\n');
  const a = await executeAction(ctx, { action: 'archive_goal', id: 'ship' }, { source: 'cli', journal: 'done with ship' });
  assert.equal(a.kind, 'ok');
  assert.equal(a.word, 'archive');
  assert.ok(fs.existsSync(path.join(dir, 'goals', 'archive', 'ship.md')));
  assert.ok(!fs.existsSync(path.join(dir, 'goals', 'ship.md')));
  assert.deepEqual(journal(dir), ['write-goal ship', 'done with ship']);
  assert.equal(typeof JSON.parse(fs.readFileSync(path.join(dir, '.goal-activity.json'), 'utf8')).ship, 'number');
  const ev = events(dir);
  assert.deepEqual(ev.map((e) => [e.event, e.action, e.id, e.source, e.run_id]), [['steered', 'write_goal', 'ship', 'pulse', 'tick-1'], ['steered', 'archive_goal', 'ship', 'cli', undefined]]);
});

test('every kind executes with its word and summary; a noop journals its reason and stamps no goal; newlines in a journal make one line', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const cases = [
    [{ action: 'noop', reason: ' steady ' }, 'noop', 'noop · steady'],
    [{ action: 'write_sensor', name: 'ci', script: 'echo {}' }, 'sensor', 'write-sensor ci'],
    [{ action: 'write_playbook', body: 'v1 rules' }, 'playbook', 'write-playbook'],
    [{ action: 'write_schedule', name: 'standup', every_s: 3600, note: 'daily' }, 'schedule', 'write-schedule standup (recurring, every 3600s)'],
    [{ action: 'drop_schedule', name: 'standup' }, 'drop-schedule', 'drop-schedule standup'],
  ];
  for (const [action, word, summary] of cases) {
    const o = await executeAction(ctx, action, { source: 'pulse' });
    assert.equal(o.kind, 'ok', JSON.stringify(o.error?.message));
    assert.equal(o.word, word);
    assert.equal(o.summary, summary);
  }
  assert.equal(fs.statSync(path.join(dir, 'sensors', 'ci.sh')).mode & 0o111, 0o100, 'the sensor is executable');
  assert.ok(!fs.existsSync(path.join(dir, 'schedules', 'standup.json')));
  assert.ok(!fs.existsSync(path.join(dir, '.goal-activity.json')), 'no goal-targeting move ran');
  await executeAction(ctx, { action: 'noop' }, { source: 'pulse', journal: 'made triage\n- 2020-01-01 00:00 forged entry' });
  assert.deepEqual(journal(dir), [...cases.map((c) => c[2]), 'made triage - 2020-01-01 00:00 forged entry']);
});

test('a refused move fails as data and leaves no trail; the pulse can never be killed', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const bad = await executeAction(ctx, { action: 'write_goal', id: '../escape', body: 'x' }, { source: 'pulse' });
  assert.equal(bad.kind, 'failed');
  assert.equal(bad.word, 'goal');
  assert.equal(bad.error.code, 'INVALID_ID');
  const pulse = await executeAction(ctx, { action: 'kill_worker', id: 'pulse', reason: 'why not' }, { source: 'pulse' });
  assert.equal(pulse.kind, 'failed');
  assert.equal(pulse.word, 'kill');
  assert.equal(pulse.error.code, 'RESERVED_ID');
  assert.match(pulse.error.message, /'pulse' is the control loop, not a worker/);
  const ghost = await executeAction(ctx, { action: 'kill_worker', id: 'nobody' }, { source: 'pulse' });
  assert.equal(ghost.kind, 'failed');
  assert.equal(ghost.error.code, 'NOT_FOUND');
  const missing = await executeAction(ctx, { action: 'archive_goal', id: 'nope' }, { source: 'pulse' });
  assert.equal(missing.kind, 'failed');
  assert.deepEqual(journal(dir), []);
  assert.deepEqual(events(dir), []);
  assert.ok(!fs.existsSync(path.join(dir, 'escape.md')) && !fs.existsSync(path.join(path.dirname(dir), 'escape.md')));
});

test('run_shell runs in the data dir with no stdin, captures its output once, asks for a 5 s follow-up, and leaves no intent record', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  // While it runs, its intent record exists: the command copies it.
  const cmd = 'echo query-result; pwd; cat .action-wal.*.json > wal-seen.json; read -r line; echo "stdin:$?"';
  const o = await executeAction(ctx, { action: 'run_shell', cmd }, { source: 'pulse' });
  assert.equal(o.kind, 'ok', o.error?.message);
  assert.equal(o.word, 'shell');
  assert.equal(o.summary, `run-shell · ${cmd}`);
  assert.equal(o.nextIntervalS, 5);
  const rec = lastShell(dir);
  assert.equal(rec.v, 1);
  assert.equal(rec.cmd, cmd);
  assert.equal(rec.exit_code, 0);
  assert.equal(typeof rec.ts, 'number');
  assert.match(rec.output, /^query-result\n/);
  assert.ok(rec.output.includes(`${fs.realpathSync(dir)}\n`) || rec.output.includes(`${dir}\n`), rec.output);
  assert.match(rec.output, /stdin:1/, 'stdin is /dev/null: read hits EOF');
  const intent = JSON.parse(fs.readFileSync(path.join(dir, 'wal-seen.json'), 'utf8'));
  assert.deepEqual({ kind: intent.kind, fingerprint: intent.fingerprint, timeout: intent.shell_timeout_secs }, { kind: 'shell', fingerprint: walFingerprint(cmd), timeout: 300 });
  assert.deepEqual(walFiles(dir), [], 'the record is removed after the command');
  assert.deepEqual(reportWalCorpses(ctxFor(dir, { now: () => new Date(Date.now() + 86_400_000) })), []);
  assert.deepEqual(readLastShell(ctx), { lastShell: { cmd, exitCode: 0, output: rec.output }, problem: null });

  // A move outside a decision leaves the record; the next decision consumes it.
  await executeAction(ctx, { action: 'noop' }, { source: 'cli' });
  assert.ok(fs.existsSync(path.join(dir, '.last-shell.json')));
  const d = await executeDecision(ctx, { action: { action: 'noop' }, journal: '  ', nextIntervalS: null }, { source: 'pulse' });
  assert.equal(d.kind, 'ok');
  assert.ok(!fs.existsSync(path.join(dir, '.last-shell.json')), 'consumed by the next decision');
  assert.deepEqual(journal(dir).slice(-2), ['noop', 'noop'], 'a blank decision journal falls back to the summary');
});

test('a failing decision puts the previous run_shell output back for the retry; a failing run_shell keeps its own fresh record', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  await executeAction(ctx, { action: 'run_shell', cmd: 'echo first' }, { source: 'pulse' });
  const before = fs.readFileSync(path.join(dir, '.last-shell.json'), 'utf8');
  const bad = await executeDecision(ctx, { action: { action: 'write_goal', id: '../x', body: 'b' }, journal: 'j', nextIntervalS: 30 }, { source: 'pulse' });
  assert.equal(bad.kind, 'failed');
  assert.equal(fs.readFileSync(path.join(dir, '.last-shell.json'), 'utf8'), before, 'restored byte for byte');
  const failing = await executeDecision(ctx, { action: { action: 'run_shell', cmd: 'echo second; exit 3' }, journal: '', nextIntervalS: null }, { source: 'pulse' });
  assert.equal(failing.kind, 'failed');
  assert.equal(lastShell(dir).cmd, 'echo second; exit 3');
  assert.equal(lastShell(dir).exit_code, 3);
  const good = await executeDecision(ctx, { action: { action: 'noop', reason: 'x' }, journal: ' looked, all fine ', nextIntervalS: null }, { source: 'pulse' });
  assert.equal(good.kind, 'ok');
  assert.equal(good.journal, 'looked, all fine');
  assert.equal(journal(dir).at(-1), 'looked, all fine');
});

test('a failed run_shell names its exit code, its reason and its output tail, records the exit, and journals nothing', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const o = await executeAction(ctx, { action: 'run_shell', cmd: `printf 'x%.0s' {1..3000}; echo; echo boom >&2; exit 7`, reason: 'probe' }, { source: 'pulse' });
  assert.equal(o.kind, 'failed');
  assert.equal(o.word, 'shell');
  const [head, ...tail] = o.error.message.split('\n');
  assert.equal(head, 'run_shell exited 7: probe');
  assert.match(tail.join('\n'), /boom\n?$/);
  assert.ok(tail.join('\n').length <= 512, 'only the last 512 characters of output');
  const rec = lastShell(dir);
  assert.equal(rec.exit_code, 7);
  assert.equal(rec.output.length, 2048, 'the record keeps the last 2048 characters');
  assert.match(rec.output, /boom\n$/);
  assert.deepEqual(journal(dir), []);
  assert.deepEqual(walFiles(dir), []);
});

test('run_shell past LOOOP_SHELL_TIMEOUT_SECS kills its whole process group and says it may have partially run', async (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir, { env: { LOOOP_SHELL_TIMEOUT_SECS: '1' } });
  const o = await executeAction(ctx, { action: 'run_shell', cmd: 'echo pre; sleep 300 & echo $! > bg.pid; sleep 300' }, { source: 'pulse' });
  assert.equal(o.kind, 'failed');
  assert.match(o.error.message, /^run_shell exited -1: .* — the command may have partially executed; verify its side effects before retrying\n/);
  assert.match(o.error.message, /timed out after 1s/);
  const rec = lastShell(dir);
  assert.equal(rec.exit_code, -1);
  assert.match(rec.output, /^pre\n[\s\S]*timed out after 1s/);
  const bg = Number(fs.readFileSync(path.join(dir, 'bg.pid'), 'utf8'));
  const alive = () => {
    try {
      process.kill(bg, 0);
      return true;
    } catch {
      return false;
    }
  };
  t.after(() => alive() && process.kill(bg, 'SIGKILL'));
  // The group got SIGKILL before executeAction returned; the kernel acts on it when the
  // process next runs (on a loaded machine a moment later), and a zombie may linger in /proc.
  const state = () => {
    try {
      return fs.readFileSync(`/proc/${bg}/stat`, 'utf8').split(') ')[1]?.[0] ?? 'gone';
    } catch {
      return 'gone';
    }
  };
  await waitFor(() => state() === 'gone' || state() === 'Z', { what: `the background sleep ${bg} of the killed group to die`, describe: () => `its state is ${state()}` });
});

test('the deny-list refuses without running or writing an intent record; LOOOP_SHELL_ALLOW_DANGEROUS=1 lets the command run', async (t) => {
  const dir = tempDataDir(t);
  const canary = path.join(dir, 'canary');
  const o = await executeAction(ctxFor(dir), { action: 'run_shell', cmd: `sudo touch ${canary}` }, { source: 'pulse' });
  assert.equal(o.kind, 'failed');
  assert.match(o.error.message, /deny-list/);
  assert.match(o.error.message, /LOOOP_SHELL_ALLOW_DANGEROUS/);
  assert.ok(!fs.existsSync(canary));
  assert.deepEqual(walFiles(dir), []);
  assert.ok(!fs.existsSync(path.join(dir, '.last-shell.json')));
  const allowed = await executeAction(ctxFor(dir, { env: { LOOOP_SHELL_ALLOW_DANGEROUS: '1' } }), { action: 'run_shell', cmd: 'sudo() { return 9; }; sudo true' }, { source: 'pulse' });
  assert.equal(allowed.kind, 'failed');
  assert.match(allowed.error.message, /^run_shell exited 9: /);
  const warned = [];
  const notOne = await executeAction(ctxFor(dir, { env: { LOOOP_SHELL_ALLOW_DANGEROUS: 'true' }, warned }), { action: 'run_shell', cmd: 'sudo true' }, { source: 'pulse' });
  assert.match(notOne.error.message, /deny-list/, 'only 1 turns it off');
  assert.match(warned.join('\n'), /LOOOP_SHELL_ALLOW_DANGEROUS/);
});

test('.last-shell.json that is not a record reads as no output plus one line naming the file', (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  assert.deepEqual(readLastShell(ctx), { lastShell: null, problem: null });
  fs.writeFileSync(path.join(dir, '.last-shell.json'), '{"v":1,"cmd":');
  const r = readLastShell(ctx);
  assert.equal(r.lastShell, null);
  assert.match(r.problem, /\.last-shell\.json is not valid JSON/);
  fs.writeFileSync(path.join(dir, '.last-shell.json'), '{"v":1,"cmd":"ls","exit_code":"0","output":""}');
  assert.match(readLastShell(ctx).problem, /\.last-shell\.json does not hold/);
});

// ---- the write-ahead intent record (§8.15, §11.39)

function clockAt(sec) {
  return () => new Date(sec * 1000);
}

test('a young intent record is a live actor, left alone; past its deadline plus a minute it is reported once and removed', (t) => {
  const dir = tempDataDir(t);
  const i = writeIntent(ctxFor(dir, { now: clockAt(10_000) }), 'make deploy');
  assert.ok(i);
  assert.deepEqual(reportWalCorpses(ctxFor(dir, { now: clockAt(10_000 + 300 + 59) })), []);
  assert.equal(walFiles(dir).length, 1);
  const found = reportWalCorpses(ctxFor(dir, { now: clockAt(10_000 + 300 + 60) }));
  assert.deepEqual(found, [{ file: path.basename(i.file), action: 'shell', fingerprint: walFingerprint('make deploy') }]);
  assert.deepEqual(walFiles(dir), []);
  assert.deepEqual(reportWalCorpses(ctxFor(dir, { now: clockAt(99_999) })), [], 'reported once');
});

test('the legacy single-file record and an unparseable one are reported (as ancient) and removed', (t) => {
  const dir = tempDataDir(t);
  fs.writeFileSync(path.join(dir, '.action-wal.json'), JSON.stringify({ kind: 'shell', fingerprint: 'abc', ts: 1 }));
  fs.writeFileSync(path.join(dir, '.action-wal.1-1.json'), 'garbage');
  const found = reportWalCorpses(ctxFor(dir, { now: clockAt(1_000_000) }));
  assert.deepEqual(found.map((c) => [c.file, c.action, c.fingerprint]).sort(), [['.action-wal.1-1.json', 'unknown', '?'], ['.action-wal.json', 'shell', 'abc']]);
  assert.deepEqual(walFiles(dir), []);
});

test('clearing an intent removes only our exact record', (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  const a = writeIntent(ctx, 'echo a');
  const b = writeIntent(ctx, 'echo b');
  assert.notEqual(a.file, b.file);
  clearIntent(ctx, a);
  assert.deepEqual(walFiles(dir), [path.basename(b.file)]);
  // A record replaced under our name (not what we wrote) is not ours to delete.
  fs.writeFileSync(b.file, '{"kind":"shell","fingerprint":"other","ts":1}');
  clearIntent(ctx, b);
  assert.deepEqual(walFiles(dir), [path.basename(b.file)]);
});

test('a corpse is judged by the deadline it was recorded under; a deadline of 0 is never judged', (t) => {
  const dir = tempDataDir(t);
  const rec = (name, o) => fs.writeFileSync(path.join(dir, name), JSON.stringify({ kind: 'shell', fingerprint: name, ts: 1000, ...o }));
  rec('.action-wal.1-1.json', { shell_timeout_secs: 1_000_000 });
  rec('.action-wal.1-2.json', { shell_timeout_secs: 1 });
  rec('.action-wal.1-3.json', { shell_timeout_secs: 0 });
  rec('.action-wal.1-4.json', {});
  const found = reportWalCorpses(ctxFor(dir, { now: clockAt(1400), env: { LOOOP_SHELL_TIMEOUT_SECS: '0' } }));
  assert.deepEqual(found.map((c) => c.fingerprint), ['.action-wal.1-2.json']);
  assert.deepEqual(walFiles(dir).sort(), ['.action-wal.1-1.json', '.action-wal.1-3.json', '.action-wal.1-4.json'], 'no recorded deadline + knob 0: kept');
  assert.deepEqual(reportWalCorpses(ctxFor(dir, { now: clockAt(1400) })).map((c) => c.fingerprint), ['.action-wal.1-4.json'], 'no recorded deadline: the current knob (300)');
});

test('the fingerprint depends on the command only', () => {
  assert.equal(walFingerprint('ls -la'), walFingerprint('ls -la'));
  assert.notEqual(walFingerprint('ls -la'), walFingerprint('ls -l'));
  assert.match(walFingerprint('x'), /^[0-9a-f]{16}$/);
});

// ---- schedules (§8.16, §11.23)

const read = (o) => parseSchedule(typeof o === 'string' ? o : JSON.stringify(o));
const sig = (o, now) => scheduleReading(read(o), now).signal;

test('a one-shot reads pending, then due at its instant, and stays due', () => {
  assert.equal(sig({ v: 1, at: 1000 }, 999), 'pending');
  assert.equal(sig({ v: 1, at: 1000 }, 1000), 'due');
  assert.equal(sig({ v: 1, at: 1000 }, 99_999), 'due');
  assert.deepEqual(scheduleReading(read({ v: 1, at: 1000, note: 'n' }), 990).detail, { kind: 'one-shot', due_in_s: 10, note: 'n' });
  assert.deepEqual(scheduleReading(read({ v: 1, at: 1000 }), 2000).detail, { kind: 'one-shot', due_in_s: 0 });
});

test('a recurring schedule bumps its period once per period; its countdown is 0 exactly on a boundary', () => {
  const r = { v: 1, every_s: 100, anchor: 1000 };
  assert.deepEqual([1000, 1099, 1100, 1350].map((n) => sig(r, n)), [{ period: 0 }, { period: 0 }, { period: 1 }, { period: 3 }]);
  assert.deepEqual([1100, 1101, 1199].map((n) => scheduleReading(read(r), n).detail.next_due_in_s), [0, 99, 1]);
  assert.equal(scheduleReading(read(r), 1100).detail.kind, 'recurring');
  // No anchor: treated as 0 — it fires at once, then advances normally.
  assert.deepEqual(sig({ every_s: 100 }, 1000), { period: 10 });
  assert.deepEqual(sig({ every_s: 100 }, 1100), { period: 11 });
});

test('invalid and unparseable schedules read as stable signals, whatever the time', () => {
  for (const bad of [{ every_s: 0 }, { every_s: 59 }, { every_s: 30, anchor: 0 }, { at: 5, every_s: 60 }, {}, { v: 1, note: 'x' }, { at: 'soon' }]) {
    for (const now of [0, 1000, 1e9]) assert.equal(sig(bad, now), 'invalid', JSON.stringify(bad));
  }
  for (const broken of ['{bad', '[]', '"x"', '']) {
    assert.equal(sig(broken, 5), 'unparseable');
    assert.deepEqual(scheduleReading(read(broken), 1e9), { signal: 'unparseable', detail: { kind: 'unparseable' } });
  }
});

test('writes validate and round-trip; broken files are listed, not dropped; removal is idempotent', (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir, { now: clockAt(5000) });
  writeSchedule(ctx, { name: 'once', inS: 60, note: 'check CI' });
  writeSchedule(ctx, { name: 'daily', everyS: 86_400, note: '' });
  assert.equal(fs.readFileSync(path.join(dir, 'schedules', 'once.json'), 'utf8'), `${JSON.stringify({ v: 1, at: 5060, note: 'check CI' }, null, 2)}\n`);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'schedules', 'daily.json'), 'utf8')), { v: 1, every_s: 86_400, anchor: 5000 });
  for (const [w, re] of [
    [{ name: 'x', inS: 5, everyS: 60 }, /exactly one of in_s/],
    [{ name: 'x' }, /exactly one of in_s/],
    [{ name: 'x', everyS: 5 }, /every_s must be >= 60/],
    [{ name: 'x', inS: 0 }, /in_s must be > 0/],
    [{ name: '../evil', inS: 5 }, /invalid schedule name/],
  ]) assert.throws(() => writeSchedule(ctx, w), re);
  assert.ok(!fs.existsSync(path.join(dir, 'schedules', 'x.json')));
  fs.writeFileSync(path.join(dir, 'schedules', 'broken.json'), '{nope');
  fs.writeFileSync(path.join(dir, 'schedules', 'zero.json'), '{"every_s":0}');
  assert.deepEqual(listSchedules(ctx).map((e) => [e.name, e.read.kind]), [['broken', 'unparseable'], ['daily', 'ok'], ['once', 'ok'], ['zero', 'invalid']]);
  assert.deepEqual(sysSchedules(ctx), {
    signal: { broken: 'unparseable', daily: { period: 0 }, once: 'pending', zero: 'invalid' },
    detail: {
      broken: { kind: 'unparseable' },
      daily: { kind: 'recurring', every_s: 86_400, next_due_in_s: 0 },
      once: { kind: 'one-shot', due_in_s: 60, note: 'check CI' },
      zero: { kind: 'invalid' },
    },
  });
  assert.equal(dropSchedule(ctx, 'once'), true);
  assert.equal(dropSchedule(ctx, 'once'), false);
});

test('a schedule file that cannot be read (a directory, a symlink, a FIFO) is listed as unparseable', (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir);
  writeSchedule(ctx, { name: 'real', inS: 60 });
  const at = (n) => path.join(dir, 'schedules', `${n}.json`);
  fs.mkdirSync(at('adir'));
  fs.symlinkSync(at('real'), at('alink'));
  execFileSync('mkfifo', [at('afifo')]);
  assert.deepEqual(sysSchedules(ctx).signal, { adir: 'unparseable', afifo: 'unparseable', alink: 'unparseable', real: 'pending' });
});

test('a huge in_s saturates: pending forever, never a wake time', (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir, { now: clockAt(5000) });
  writeSchedule(ctx, { name: 'never', inS: Number.MAX_SAFE_INTEGER });
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'schedules', 'never.json'), 'utf8')).at, Number.MAX_SAFE_INTEGER);
  assert.deepEqual(sysSchedules(ctx).signal, { never: 'pending' });
  assert.equal(nextScheduleDueMs(ctx, 5_000_000), null);
});

test('nextScheduleDueMs is the earliest future instant any schedule signal changes', (t) => {
  const dir = tempDataDir(t);
  const ctx = ctxFor(dir, { now: clockAt(1000) });
  assert.equal(nextScheduleDueMs(ctx, 1_000_000), null, 'no schedules');
  fs.mkdirSync(path.join(dir, 'schedules'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'schedules', 'bad.json'), '{"every_s":5}');
  fs.writeFileSync(path.join(dir, 'schedules', 'junk.json'), 'junk');
  assert.equal(nextScheduleDueMs(ctx, 1_000_000), null, 'broken schedules never change');
  writeSchedule(ctx, { name: 'soon', inS: 30 }); // at 1030
  writeSchedule(ctx, { name: 'hourly', everyS: 3600 }); // anchor 1000
  assert.equal(nextScheduleDueMs(ctx, 1_000_000), 1_030_000);
  assert.equal(nextScheduleDueMs(ctx, 1_029_999), 1_030_000);
  // At the one-shot's instant it is due and stays due: the next change is the recurring boundary.
  assert.equal(nextScheduleDueMs(ctx, 1_030_000), 4_600_000);
  assert.equal(nextScheduleDueMs(ctx, 4_600_000), 8_200_000, 'exactly on a boundary: the next one');
  assert.equal(nextScheduleDueMs(ctx, 4_599_500), 4_600_000);
  // The same answer the sensor gives: the signal at the instant differs from just before it.
  assert.notDeepEqual(sysSchedules(ctxFor(dir, { now: () => new Date(4_599_999) })).signal, sysSchedules(ctxFor(dir, { now: () => new Date(4_600_000) })).signal);
  assert.equal(nextScheduleDueMs(ctxFor(dir, { now: clockAt(4_600) })), 8_200_000, 'defaults to ctx.now');
});
