// Worker post-conditions (reference §7.5, §11.38, issue 8 item 3): real workers
// started through the CLI with --verify, judged after they end by reconcileVerify
// (in-process, as the pulse's beat calls it) and by a real pulse; the verdict shows
// in `worker list`, `state --json`, sys-sessions and the decide prompt. Deadlines
// and budgets here are lower bounds (a `sleep` longer than the budget), never races.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { paths, processIdentity, listFleet, reconcileVerify, logVerify, clipCmd, senseAll, verdictWord } from '../dist/lib.mjs';
import { looop, tempDataDir, waitFor } from './helpers.mjs';
import { waitState } from './sessions-helpers.mjs';
import { isEvent, logEvents, scriptedPulseDir, startPulse, waitEvent } from './pulse-helpers.mjs';

function ctxFor(dir, env = {}, warned = []) {
  const e = { ...process.env, LOOOP_DATA_DIR: dir, ...env };
  delete e.LOOOP_SESSION_ID;
  return { paths: paths.resolvePaths(e, dir), env: e, now: () => new Date(), warn: (_k, m) => warned.push(m), bin: 'looop' };
}

const verdictPath = (dir, id) => path.join(dir, 'verify', `${id}.json`);
const cmdPath = (dir, id) => path.join(dir, 'verify', `${id}.cmd`);
const verdict = (dir, id) => JSON.parse(fs.readFileSync(verdictPath(dir, id), 'utf8'));
const judged = (events) => events.filter((e) => e.kind === 'judged').map((e) => `${e.id}:${e.verdict}`).sort();

/** `worker start` with --command and (optionally) --verify; the data dir's cleanup kills it. */
function start(dir, id, command, verify) {
  const r = looop(dir, ['worker', 'start', id, `task ${id}`, '--command', `${command} # {{prompt_file}}`, ...(verify === undefined ? [] : ['--verify', verify])]);
  assert.equal(r.code, 0, `worker start ${id}: ${r.stderr}`);
}

/** A worker that ran `command` and has ended. */
async function ended(dir, id, command, verify) {
  start(dir, id, command, verify);
  await waitState(dir, id, ['exited', 'killed']);
}

test('an ended worker is judged once: pass when its work is there, FAIL with the output when not; worker list, state and sys-sessions show it', async (t) => {
  const dir = tempDataDir(t, 'verify-judge');
  // The verify runs in the data dir, as the worker's own session id.
  await ended(dir, 'wpass', 'touch done.txt', 'echo ran >> runs.txt; test "$LOOOP_SESSION_ID" = wpass && test -f done.txt');
  await ended(dir, 'wfail', 'true', 'echo "no report written" >&2; test -f report.md');
  assert.equal(fs.existsSync(verdictPath(dir, 'wpass')), false, 'nothing is judged before the pulse reconciles');
  assert.match(looop(dir, ['worker', 'list', '-a']).stdout, /^wpass .* -$/m, 'no verdict yet shows as -');

  const events = await reconcileVerify(ctxFor(dir));
  assert.deepEqual(judged(events), ['wfail:fail', 'wpass:pass']);
  const pass = verdict(dir, 'wpass');
  assert.equal(pass.verdict, 'pass');
  assert.equal(pass.exit_code, 0);
  assert.equal(pass.cmd, 'echo ran >> runs.txt; test "$LOOOP_SESSION_ID" = wpass && test -f done.txt');
  const fail = verdict(dir, 'wfail');
  assert.equal(fail.verdict, 'fail');
  assert.equal(fail.exit_code, 1);
  assert.match(fail.output, /no report written/);

  // Judged once: removing the evidence afterwards changes nothing, and no command runs again.
  const before = fs.readFileSync(verdictPath(dir, 'wpass'));
  fs.rmSync(path.join(dir, 'done.txt'));
  assert.deepEqual(await reconcileVerify(ctxFor(dir)), []);
  assert.deepEqual(fs.readFileSync(verdictPath(dir, 'wpass')), before);
  assert.equal(fs.readFileSync(path.join(dir, 'runs.txt'), 'utf8'), 'ran\n', 'the command ran exactly once');

  const list = looop(dir, ['worker', 'list', '-a']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID +HEALTH .*VERIFY$/m);
  assert.match(list.stdout, /^wpass +done .* pass$/m);
  assert.match(list.stdout, /^wfail +done .* FAIL$/m);
  const state = JSON.parse(looop(dir, ['state', '--json']).stdout);
  const w = Object.fromEntries(state.workers.map((x) => [x.id, x]));
  assert.equal(w.wpass.verify, 'pass');
  assert.equal(w.wpass.verify_output, undefined, 'a pass carries no output');
  assert.equal(w.wfail.verify, 'fail');
  assert.match(w.wfail.verify_output, /no report written/);

  await senseAll(ctxFor(dir), { timeoutMs: 60_000, maxBytes: 8192, cwd: dir, env: process.env });
  const snap = JSON.parse(fs.readFileSync(path.join(dir, 'snapshots', 'sys-sessions.json'), 'utf8'));
  assert.deepEqual(snap.signal.map((s) => [s.id, s.verify]), [['wfail', 'fail'], ['wpass', 'pass']], 'the verdict is in the signal, so it wakes the loop');
  assert.match(snap.detail.workers.wfail.verify_output, /no report written/);
  assert.equal(snap.detail.workers.wpass.verify_output, undefined);
});

test('a running worker is never judged; once killed, its obligation still is', async (t) => {
  const dir = tempDataDir(t, 'verify-live');
  start(dir, 'wlive', 'read -r _', 'true');
  await waitState(dir, 'wlive', 'running');
  assert.deepEqual(await reconcileVerify(ctxFor(dir)), []);
  assert.equal(fs.existsSync(verdictPath(dir, 'wlive')), false);
  assert.equal(fs.existsSync(cmdPath(dir, 'wlive')), true, 'the command is kept for later');
  assert.equal(looop(dir, ['kill', 'wlive']).code, 0);
  await waitState(dir, 'wlive', 'killed');
  assert.deepEqual(judged(await reconcileVerify(ctxFor(dir))), ['wlive:pass']);
});

test('a worker whose host vanished while it runs on is not judged until it is gone too', async (t) => {
  const dir = tempDataDir(t, 'verify-orphan');
  // It ignores the hangup its host's death sends, so it outlives the host.
  start(dir, 'wlone', `trap "" HUP; sh -c 'echo $$ > wlone.pid; exec sleep 300'`, 'true');
  const rec = await waitState(dir, 'wlone', 'running');
  const pidFile = path.join(dir, 'wlone.pid');
  await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').endsWith('\n'), { dir, what: 'the worker to write its pid' });
  const worker = Number(fs.readFileSync(pidFile, 'utf8'));
  const { host, child } = rec.context;
  const alive = (pid) => {
    try {
      return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false;
    }
  };
  process.kill(host.pid, 'SIGKILL');
  await waitFor(() => listFleet(ctxFor(dir)).find((s) => s.id === 'wlone')?.state === 'dead', { what: 'wlone to show as dead once its host is gone' });
  await waitFor(() => !alive(child.pid), { what: `the worker's shell (pid ${child.pid}) to end on the hangup` });
  assert.equal(alive(worker), true, 'its work runs on in the group');
  assert.deepEqual(await reconcileVerify(ctxFor(dir)), [], 'its work still runs in its group');
  assert.equal(fs.existsSync(verdictPath(dir, 'wlone')), false);
  process.kill(-child.pgid, 'SIGKILL');
  await waitFor(() => processIdentity.liveGroupMembers(child.pgid).length === 0, { what: `every process of the worker's group ${child.pgid} to end` });
  assert.deepEqual(judged(await reconcileVerify(ctxFor(dir))), ['wlone:pass']);
});

test('a verify command past LOOOP_VERIFY_TIMEOUT_SECS is a FAIL and its whole process group is killed', async (t) => {
  const dir = tempDataDir(t, 'verify-hang');
  await ended(dir, 'whang', 'true', 'echo before; sleep 300 & echo $! > sleeper.pid; wait');
  const events = await reconcileVerify(ctxFor(dir, { LOOOP_VERIFY_TIMEOUT_SECS: '1' }));
  assert.deepEqual(judged(events), ['whang:fail']);
  const v = verdict(dir, 'whang');
  assert.equal(v.exit_code, null);
  assert.match(v.output, /^before\n/);
  assert.match(v.output, /timed out after 1s \(LOOOP_VERIFY_TIMEOUT_SECS\) — process group killed/);
  const pid = Number(fs.readFileSync(path.join(dir, 'sleeper.pid'), 'utf8'));
  const gone = () => {
    try {
      return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return true;
    }
  };
  await waitFor(gone, { what: `the verify's background sleep (pid ${pid}) to be killed with its group` });
});

test('the per-beat budget defers what is left, untouched, to the next beat', async (t) => {
  const dir = tempDataDir(t, 'verify-budget');
  await ended(dir, 'wa', 'true', 'sleep 1');
  await ended(dir, 'wb', 'true', 'true');
  // Budget 0: nothing runs at all.
  let events = await reconcileVerify(ctxFor(dir), { budgetMs: 0 });
  assert.deepEqual(events, [{ kind: 'deferred', id: 'wa', budgetS: 0 }, { kind: 'deferred', id: 'wb', budgetS: 0 }]);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'verify')).sort(), ['wa.cmd', 'wb.cmd']);
  const lines = [];
  const log = { info: (ev, msg) => lines.push(`${ev} ${msg}`), warn: (ev, msg) => lines.push(`${ev} ${msg}`) };
  logVerify(log, events);
  assert.deepEqual(lines, ['worker.verify_deferred per-beat verify budget exhausted (LOOOP_VERIFY_BEAT_BUDGET_SECS=0s) — deferring wa (and any remaining) to the next beat'], 'one line for the lot');
  lines.length = 0;
  // wa's `sleep 1` outlasts a half-second budget, so wb waits for the next beat.
  events = await reconcileVerify(ctxFor(dir), { budgetMs: 500 });
  assert.deepEqual(events.map((e) => `${e.kind}:${e.id}`), ['judged:wa', 'deferred:wb']);
  assert.equal(fs.existsSync(verdictPath(dir, 'wb')), false);
  logVerify(log, events);
  assert.deepEqual(lines, ['worker.verify wa: postcondition pass — $ sleep 1', 'worker.verify_deferred per-beat verify budget exhausted (LOOOP_VERIFY_BEAT_BUDGET_SECS=1s) — deferring wb (and any remaining) to the next beat']);
  // The knob is read from the environment when no budget is passed.
  assert.deepEqual((await reconcileVerify(ctxFor(dir, { LOOOP_VERIFY_BEAT_BUDGET_SECS: '0' }))).map((e) => e.kind), ['deferred']);
  assert.deepEqual(judged(await reconcileVerify(ctxFor(dir))), ['wb:pass']);
});

test('a fleet that cannot be read defers every verify with one line, and fabricates nothing', async (t) => {
  const dir = tempDataDir(t, 'verify-fleet');
  await ended(dir, 'w1', 'true', 'true');
  const sessions = path.join(dir, 'sessions');
  fs.renameSync(sessions, `${sessions}.aside`);
  fs.writeFileSync(sessions, 'not a directory\n');
  const events = await reconcileVerify(ctxFor(dir));
  assert.equal(events.length, 1);
  assert.equal(events[0].kind, 'skipped');
  assert.match(events[0].reason, /^cannot enumerate the fleet \(.*\) — deferring every pending verify to the next beat$/);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'verify')), ['w1.cmd'], 'no verdict, and the obligation is kept');
  fs.rmSync(sessions);
  fs.renameSync(`${sessions}.aside`, sessions);
  assert.deepEqual(judged(await reconcileVerify(ctxFor(dir))), ['w1:pass']);
});

test('corrupt verdict and command files: each is a FAIL named in one line, never a pass, never re-judged', async (t) => {
  const dir = tempDataDir(t, 'verify-corrupt');
  await ended(dir, 'wjson', 'true', 'true');
  await ended(dir, 'wempty', 'true');
  await ended(dir, 'wdir', 'true');
  fs.writeFileSync(verdictPath(dir, 'wjson'), '{"v":1,"verdict":"pa');
  fs.writeFileSync(cmdPath(dir, 'wempty'), '  \n');
  fs.mkdirSync(cmdPath(dir, 'wdir'));

  const events = await reconcileVerify(ctxFor(dir));
  assert.deepEqual(judged(events), ['wdir:fail', 'wempty:fail'], 'a corrupt verdict is not overwritten; unusable commands fail');
  assert.equal(fs.readFileSync(verdictPath(dir, 'wjson'), 'utf8'), '{"v":1,"verdict":"pa');
  assert.equal(verdict(dir, 'wempty').cmd, '(unreadable)');
  assert.match(verdict(dir, 'wempty').output, /^verify\/wempty\.cmd is empty — recorded as FAIL/);
  assert.match(verdict(dir, 'wdir').output, /^verify\/wdir\.cmd is a directory/);
  const lines = [];
  logVerify({ info: (ev, msg) => lines.push(`${ev} ${msg}`), warn: (ev, msg) => lines.push(`${ev} ${msg}`) }, events);
  assert.ok(lines.includes('worker.verify wempty: postcondition FAIL — $ (unreadable)'), lines.join('\n'));

  const warned = [];
  assert.equal(verdictWord(ctxFor(dir, {}, warned), 'wjson'), 'fail');
  assert.deepEqual(warned, ['verify/wjson.json is not valid JSON — counted as a verify FAIL for wjson; remove it to have the pulse judge wjson again']);
  const list = looop(dir, ['worker', 'list', '-a']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /^wjson .* FAIL$/m);
  assert.match(list.stderr, /verify\/wjson\.json is not valid JSON/);
  assert.equal(list.stderr.trim().split('\n').length, 1, `one line: ${list.stderr}`);
  // A verdict that parses but is not ours (no pass word) is a fail too.
  fs.writeFileSync(verdictPath(dir, 'wjson'), '{"ok":true}');
  assert.equal(verdictWord(ctxFor(dir), 'wjson'), 'fail');
  const state = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.equal(state.workers.find((w) => w.id === 'wjson').verify, 'fail');
});

test('generation hygiene: a reused id starts with no verdict; a command with no session is cleared only once it is old', async (t) => {
  const dir = tempDataDir(t, 'verify-gen');
  await ended(dir, 'w1', 'true', 'false');
  assert.deepEqual(judged(await reconcileVerify(ctxFor(dir))), ['w1:fail']);
  start(dir, 'w1', 'read -r _', 'test -f later.txt');
  assert.equal(fs.existsSync(verdictPath(dir, 'w1')), false, 'the new generation does not inherit the old FAIL');
  assert.equal(fs.readFileSync(cmdPath(dir, 'w1'), 'utf8'), 'test -f later.txt\n');
  assert.match(looop(dir, ['worker', 'list']).stdout, /^w1 .* -$/m);

  fs.writeFileSync(cmdPath(dir, 'fresh'), 'true\n');
  fs.writeFileSync(cmdPath(dir, 'ghost'), 'true\n');
  const old = new Date(Date.now() - 120_000);
  fs.utimesSync(cmdPath(dir, 'ghost'), old, old);
  const events = await reconcileVerify(ctxFor(dir));
  assert.deepEqual(events, [{ kind: 'skipped', id: 'ghost', reason: 'ghost: its session is gone — cleared verify/ghost.cmd without a verdict' }]);
  assert.deepEqual(fs.readdirSync(path.join(dir, 'verify')).sort(), ['fresh.cmd', 'w1.cmd'], 'a fresh command may be a start in progress: kept');
});

test('clipCmd makes one line of a command and marks a clip', () => {
  assert.equal(clipCmd('  a\nb\r\x1bc  '), 'a b  c');
  assert.equal(clipCmd('x'.repeat(300)), `${'x'.repeat(256)}…`);
});

test('the pulse judges a worker its decider started with verify before sensing, and the decide prompt sees the verdict', async (t) => {
  const dir = tempDataDir(t, 'verify-pulse');
  scriptedPulseDir(dir, {
    '01.json': { action: 'start_worker', id: 'wbuild', prompt: 'build it', command: 'echo partial > build.log # {{prompt_file}}', verify: 'grep -q complete build.log', journal: 'started wbuild' },
  });
  const p = startPulse(t, dir);
  const e = await waitEvent(p, isEvent('worker.verify'), 'the pulse to judge wbuild');
  assert.equal(e.level, 'warn');
  assert.equal(e.msg, 'wbuild: postcondition FAIL — $ grep -q complete build.log');
  assert.equal(e.cmd, 'grep -q complete build.log');
  // Same beat: the verdict was on disk before the sensors ran, so its decide saw it.
  await waitFor(() => {
    const names = logEvents(p).map((x) => x.event);
    return names.indexOf('tick.decided', names.indexOf('worker.verify')) > 0;
  }, { what: 'a decide after the verdict', describe: () => logEvents(p).map((x) => x.event).join(' ') });
  const prompt = await waitFor(() => {
    const text = fs.readFileSync(`${dir}.queue.last-prompt.md`, 'utf8');
    return /"verify":\s*"fail"/.test(text) ? text : null;
  }, { what: 'a decide prompt with the verdict', describe: () => logEvents(p).map((x) => x.event).join(' ') });
  assert.match(prompt, /wbuild/);
  const events = logEvents(p).map((x) => x.event);
  const at = events.indexOf('worker.verify');
  const end = events.indexOf('sleep', at);
  const beat = events.slice(events.lastIndexOf('wake', at) + 1, end < 0 ? events.length : end);
  assert.deepEqual(beat.filter((x) => ['worker.verify', 'sense', 'tick.decided'].includes(x)), ['worker.verify', 'sense', 'tick.decided'], `judged, then sensed, then decided in one beat: ${events.join(' ')}`);
  assert.equal(logEvents(p).filter(isEvent('worker.verify')).length, 1, 'judged once');
});
