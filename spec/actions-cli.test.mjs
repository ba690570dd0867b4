// The verbs on the one action path, through the built CLI: `run` (§2.15),
// `schedule write|rm|list` (§2.21), and `worker start` / `kill` now journaled like
// every other move.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { shellCommandFromArgv } from '../dist/lib.mjs';
import { looop, tempDataDir } from './helpers.mjs';
import { sessionsDataDir, startWorker } from './sessions-helpers.mjs';

const JOURNAL_LINE = /^- \d{4}-\d\d-\d\d \d\d:\d\d (.*)$/;
function journal(dir) {
  const f = path.join(dir, 'journal.md');
  if (!fs.existsSync(f)) return [];
  return fs.readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').map((l) => JOURNAL_LINE.exec(l)?.[1] ?? `(bad line) ${l}`);
}
const lastShell = (dir) => JSON.parse(fs.readFileSync(path.join(dir, '.last-shell.json'), 'utf8'));

test('run: one word is the shell string verbatim; several keep their word boundaries; output goes to .last-shell.json, not stdout', (t) => {
  const dir = tempDataDir(t);
  let r = looop(dir, ['run', 'echo a && echo b']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'run-shell · echo a && echo b\n');
  assert.equal(lastShell(dir).output, 'a\nb\n');
  r = looop(dir, ['run', 'touch', 'file with spaces']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.existsSync(path.join(dir, 'file with spaces')), 'bash saw two words');
  assert.equal(shellCommandFromArgv(['touch', 'file with spaces', "it's"]), "touch 'file with spaces' 'it'\\''s'");
  assert.equal(shellCommandFromArgv(['echo a && echo b']), 'echo a && echo b');
  assert.deepEqual(journal(dir), ['run-shell · echo a && echo b', "run-shell · touch 'file with spaces'"]);
});

test("run: --reason and --journal come before the command; every word after the command's first is the command's own", (t) => {
  const dir = tempDataDir(t);
  let r = looop(dir, ['run', '--reason', 'list things', '--journal', 'looked around', 'printf', '%s,', '--reason', 'x', '-n', '--', '--journal']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'run-shell · list things\n');
  assert.equal(lastShell(dir).output, '--reason,x,-n,--,--journal,');
  assert.deepEqual(journal(dir), ['looked around']);
  r = looop(dir, ['run', '--', '--version-like']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: run_shell exited 127: --version-like\n.*--version-like: command not found/);
  r = looop(dir, ['run', '--bogus', 'ls']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown option `--bogus`/);
});

test('run: a blank command is a usage error; a failure prints the exit, the reason and the output tail, exit 1; a denied command never runs', (t) => {
  const dir = tempDataDir(t);
  for (const args of [['run'], ['run', '  '], ['run', '--reason', 'r']]) {
    const r = looop(dir, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /usage: looop run \[--reason TEXT\]/);
  }
  let r = looop(dir, ['run', '--reason', 'probe', 'echo out; echo boom >&2; exit 7']);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'looop: run_shell exited 7: probe\nout\nboom\n');
  assert.equal(lastShell(dir).exit_code, 7);
  const canary = path.join(dir, 'canary');
  r = looop(dir, ['run', 'sudo', 'touch', canary]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: run_shell refused by the safety deny-list \(sudo/);
  assert.ok(!fs.existsSync(canary));
  r = looop(dir, ['run', 'echo pre; sleep 300'], { env: { LOOOP_SHELL_TIMEOUT_SECS: '1' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: run_shell exited -1: echo pre; sleep 300 — the command may have partially executed/);
  assert.match(r.stderr, /\npre\ntimed out after 1s/);
  assert.deepEqual(journal(dir), [], 'failed moves leave no journal line');
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.startsWith('.action-wal')), []);
});

test('schedule write / list / rm: one-shot and recurring, each journaled; list shows signal and detail, --json the files', (t) => {
  const dir = tempDataDir(t);
  let r = looop(dir, ['schedule', 'write', 'ci', '--in', '120', '--note', 'check CI']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'write-schedule ci (one-shot, due in 120s)\n');
  r = looop(dir, ['schedule', 'w', 'standup', '--every', '86400', '--journal', 'daily standup']);
  assert.equal(r.stdout, 'write-schedule standup (recurring, every 86400s)\n');
  r = looop(dir, ['schedule', 'list']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
  assert.deepEqual(lines.map((l) => [l[0], JSON.parse(l[1])]), [['ci', 'pending'], ['standup', { period: 0 }]]);
  assert.equal(JSON.parse(lines[0][2]).note, 'check CI');
  assert.equal(JSON.parse(lines[1][2]).kind, 'recurring');
  r = looop(dir, ['schedule', 'ls', '--json']);
  const all = JSON.parse(r.stdout);
  assert.equal(r.stdout.trim().split('\n').length, 1, 'one line');
  assert.deepEqual(Object.keys(all), ['ci', 'standup']);
  assert.equal(all.standup.every_s, 86400);
  assert.equal(typeof all.ci.at, 'number');
  assert.equal(looop(dir, ['schedule', 'rm', 'ci']).stdout, 'drop-schedule ci\n');
  assert.equal(looop(dir, ['schedule', 'rm', 'ci']).code, 0, 'idempotent');
  assert.equal(looop(dir, ['schedule', 'rm', 'standup']).code, 0);
  assert.equal(looop(dir, ['schedule', 'list']).stdout, '(no schedules)\n');
  assert.deepEqual(journal(dir), ['write-schedule ci (one-shot, due in 120s)', 'daily standup', 'drop-schedule ci', 'drop-schedule ci', 'drop-schedule standup']);
});

test('schedule write refuses both or neither trigger, --every under 60, --in 0 and a ../ name, writing nothing; list warns on broken files', (t) => {
  const dir = tempDataDir(t);
  for (const [args, re] of [
    [['schedule', 'write', 'x'], /exactly one of --in/],
    [['schedule', 'write', 'x', '--in', '5', '--every', '60'], /exactly one of --in/],
    [['schedule', 'write', 'x', '--every', '59'], /--every must be at least 60/],
    [['schedule', 'write', 'x', '--in', 'soon'], /whole number of seconds/],
    [['schedule', 'write', 'x', '--in', '0'], /^looop: write_schedule "x": in_s must be > 0/],
    [['schedule', 'write', '../evil', '--in', '5'], /invalid schedule name/],
  ]) {
    const r = looop(dir, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, re);
  }
  assert.ok(!fs.existsSync(path.join(dir, 'schedules', 'x.json')));
  assert.deepEqual(journal(dir), []);
  let r = looop(dir, ['schedule', 'write', 'never', '--in', '18446744073709551615']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'schedules', 'never.json'), 'utf8')).at, Number.MAX_SAFE_INTEGER);
  fs.writeFileSync(path.join(dir, 'schedules', 'broken.json'), '{nope');
  fs.writeFileSync(path.join(dir, 'schedules', 'fast.json'), '{"every_s":30,"anchor":0}');
  r = looop(dir, ['schedule', 'list']);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /schedules\/broken\.json is unparseable .*it will never fire/);
  assert.match(r.stderr, /schedules\/fast\.json is invalid .*it will never fire/);
  assert.deepEqual(r.stdout.trimEnd().split('\n').map((l) => l.split('\t').slice(0, 2)), [['broken', '"unparseable"'], ['fast', '"invalid"'], ['never', '"pending"']]);
  assert.deepEqual(JSON.parse(looop(dir, ['schedule', 'list', '--json']).stdout).broken, null);
});

test('worker start and kill go through the action path: journaled, goal-stamped; the pulse is still refused', (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'triage', 'echo {{prompt_file}}; read -r _');
  const k = looop(dir, ['worker', 'kill', 'triage']);
  assert.equal(k.code, 0, k.stderr);
  assert.match(k.stdout, /^killed triage/);
  assert.deepEqual(journal(dir), ['start-worker triage (command override)', 'kill-worker triage']);
  assert.equal(typeof JSON.parse(fs.readFileSync(path.join(dir, '.goal-activity.json'), 'utf8')).triage, 'number');
  const p = looop(dir, ['kill', 'pulse']);
  assert.equal(p.code, 1);
  assert.match(p.stderr, /^looop: kill: 'pulse' is the control loop, not a worker\n/);
  const again = looop(dir, ['kill', 'triage']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already ended/);
  assert.equal(journal(dir).length, 2, 'refusals are not journaled');
});
