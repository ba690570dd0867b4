// `worker start`: everything is checked before anything is created; the prompt
// file carries the contract; {{prompt_file}} is substituted shell-quoted; the
// worker runs in the data dir with looop's variables; the CLI returns at once
// under $(…) and the worker outlives it; live ids are refused, dead ones reaped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as lib from '../dist/lib.mjs';
import { BIN, envFor, exitWithin, looop } from './helpers.mjs';
import { killEverything, record, running, startWorker, waitFileText, waitOutput, waitState, sessionsDataDir } from './sessions-helpers.mjs';

const HOLD = 'read -r _'; // keeps a worker alive until it is killed (reads its PTY)

function created(dir) {
  const list = (d) => (fs.existsSync(path.join(dir, d)) ? fs.readdirSync(path.join(dir, d)) : []);
  return [...list('sessions'), ...list('prompts'), ...list('verify')];
}

test('worker start refuses bad ids, the reserved pulse and blank prompts, creating nothing', (t) => {
  const dir = sessionsDataDir(t);
  const cases = [
    [['../escape', 'x'], /invalid worker id "\.\.\/escape": it contains a path separator/],
    [['a b', 'x'], /invalid worker id "a b": it contains whitespace/],
    [['bell\u0007', 'x'], /invalid worker id .*control character/],
    [['tab\tid', 'x'], /invalid worker id .*whitespace/],
    [['.hidden', 'x'], /invalid worker id "\.hidden": it starts with a dot/],
    [['pulse', 'x'], /'pulse' is reserved for the pulse/],
    [['w1', '   '], /missing prompt/],
  ];
  for (const [args, re] of cases) {
    const r = looop(dir, ['worker', 'start', ...args, '--command', `echo {{prompt_file}}; ${HOLD}`]);
    assert.equal(r.code, 1, `${JSON.stringify(args)} must be refused: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^looop: /);
    assert.match(r.stderr, re);
    assert.equal(r.stdout, '');
  }
  assert.deepEqual(created(dir), [], 'nothing was created by a refusal');
});

test('the worker command must carry {{prompt_file}}; a broken config file is an error naming it, never a silent default', (t) => {
  const dir = sessionsDataDir(t);
  let r = looop(dir, ['worker', 'start', 'w1', 'task', '--command', 'echo no placeholder']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--command override must contain the \{\{prompt_file\}\} placeholder/);
  // The refusal shows how to run a command that ignores the brief, and so does --help.
  assert.match(r.stderr, /\n {2}to run a command that ignores the brief, put the placeholder in a comment: --command 'echo no placeholder # \{\{prompt_file\}\}'\n$/);
  const help = looop(dir, ['worker', 'start', '--help']);
  assert.match(help.stdout, /--command <cmd> +.*must contain \{\{prompt_file\}\} \(the worker's brief\).*--command 'vim # \{\{prompt_file\}\}'/);
  fs.writeFileSync(path.join(dir, 'config.json'), '{ "worker_command": ');
  r = looop(dir, ['worker', 'start', 'w1', 'task']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^looop: config ${path.join(dir, 'config.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON \\(`, 'm'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ worker_command: 'agent --model {{model}} {{prompt_file}}' }));
  r = looop(dir, ['worker', 'start', 'w1', 'task']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /worker_command still uses the removed \{\{model\}\}/);
  assert.deepEqual(created(dir), []);
});

test('the configured worker_command runs in the data dir with the contract, a quoted prompt path and looop variables', async (t) => {
  // A data dir whose path needs quoting: a space and a single quote.
  const dir = sessionsDataDir(t, "looop it's");
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ worker_command: `cp "{{prompt_file}}" copy.md && env | grep ^LOOOP_ | sort > env.txt && pwd > cwd.txt && ${HOLD}` }),
  );
  const r = looop(dir, ['worker', 'start', 'w1', 'Fix', 'the', '$(dangerous)', 'build'], { env: { LOOOP_DATA_DIR: dir } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'start-worker w1\n');
  const env = await waitFileText(path.join(dir, 'env.txt'), (s) => s.includes('LOOOP_SESSION_ID'), 'env.txt from the worker');
  const prompt = fs.readFileSync(path.join(dir, 'prompts', 'w1.md'), 'utf8');
  assert.equal(fs.readFileSync(path.join(dir, 'copy.md'), 'utf8'), prompt, 'the worker read the prompt file through the quoted path');
  assert.match(prompt, /^# ⚑ WORKER CONTRACT/);
  assert.match(prompt, /"\$LOOOP_BIN" ask w1 --prompt/);
  assert.match(prompt, /"\$LOOOP_BIN" kill w1/);
  assert.match(prompt, /"\$LOOOP_BIN" _ <verb>/);
  assert.match(prompt, /cost session w1 cp <usd>/);
  assert.ok(prompt.endsWith('---\n\nFix the $(dangerous) build\n'), JSON.stringify(prompt.slice(-60)));
  assert.equal(fs.readFileSync(path.join(dir, 'cwd.txt'), 'utf8').trim(), dir);
  for (const line of [`LOOOP_SESSION_ID=w1`, `LOOOP_DATA_DIR=${dir}`, `LOOOP_CLAIMS_DIR=${path.join(dir, 'claims')}`, `LOOOP_REPORTS_DIR=${path.join(dir, 'reports')}`, `LOOOP_CONFIG=${path.join(dir, 'config.json')}`]) {
    assert.ok(env.split('\n').includes(line), `${line} in ${env}`);
  }
  assert.match(env, /^LOOOP_BIN=\/.*looop\.cjs$/m);
  const rec = record(dir, 'w1');
  assert.equal(rec.state, 'running');
  assert.equal(rec.context.cwd, dir);
});

test('$(looop worker start …) returns at once, the host holds none of its fds, and the worker outlives the CLI', async (t) => {
  const dir = sessionsDataDir(t);
  // fd 9 is a copy of the command substitution's pipe without close-on-exec: if the host or
  // the worker kept it, `$(…)` would wait for the worker to end.
  const script = `out=$(exec 9>&1; "${process.execPath}" "${BIN}" worker start w1 task --command 'ls -l /proc/self/fd > fds.txt; echo {{prompt_file}} >/dev/null; ${HOLD}'); echo "[$out]"`;
  const sh = spawn('bash', ['-c', script], { env: envFor(dir), stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { stdout: '', stderr: '' };
  sh.stdout.on('data', (d) => (proc.stdout += d));
  sh.stderr.on('data', (d) => (proc.stderr += d));
  proc.exit = new Promise((resolve) => sh.on('close', (code) => resolve(code)));
  const code = await exitWithin(proc, 10_000, '$(looop worker start …) to return while the worker keeps running');
  assert.equal(code, 0, proc.stderr);
  assert.equal(proc.stdout, '[start-worker w1 (command override)]\n');
  const rec = await waitState(dir, 'w1', 'running');
  assert.ok(running(rec.context.host), 'the host is running after the CLI exited');
  assert.ok(running({ pid: rec.context.child.pid, start: rec.context.child.start }), 'so is the worker');
  const ppid = Number(fs.readFileSync(`/proc/${rec.context.host.pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  assert.notEqual(ppid, sh.pid);
  // `$(…)` returning already proves nobody holds its pipe; the worker has only its terminal.
  const fds = await waitFileText(path.join(dir, 'fds.txt'), (s) => s.includes('0 ->'), 'the worker to list its fds');
  assert.doesNotMatch(fds, /pipe:| 9 -> /, `the worker inherited no pipe:\n${fds}`);
  const list = JSON.parse(looop(dir, ['worker', 'list', '--json']).stdout);
  assert.deepEqual(list.map((w) => [w.id, w.state, w.alive, w.health]), [['pulse', 'down', false, 'down'], ['w1', 'running', true, 'busy']]);
});

test('a live id is refused; a dead id is reaped and reused; the fleet cap counts live workers only', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'w1', `echo first-generation {{prompt_file}}; ${HOLD}`);
  await waitOutput(dir, 'w1', /first-generation/);
  let r = looop(dir, ['worker', 'start', 'w1', 'again', '--command', `echo {{prompt_file}}; ${HOLD}`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: worker start w1: session w1 is already running/);

  r = looop(dir, ['worker', 'start', 'w2', 'task', '--command', `echo {{prompt_file}}; ${HOLD}`], { env: { LOOOP_MAX_WORKERS: '1' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /1 live workers — at the fleet cap \(LOOOP_MAX_WORKERS=1\)/);
  assert.equal(fs.existsSync(path.join(dir, 'sessions', 'w2')), false);

  assert.equal(looop(dir, ['kill', 'w1']).code, 0);
  fs.mkdirSync(path.join(dir, 'tells'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'tells', 'w1-9.json'), JSON.stringify({ v: 1, id: 'w1-9', worker: 'w1', msg: 'stale', ts: 1 }));
  // The corpse neither counts against the cap nor blocks its id.
  startWorker(t, dir, 'w1', `echo second-generation {{prompt_file}}; ${HOLD}`, { env: { LOOOP_MAX_WORKERS: '1' } });
  await waitOutput(dir, 'w1', /second-generation/);
  const log = fs.readFileSync(path.join(dir, 'sessions', 'w1', 'output.log'), 'utf8');
  assert.doesNotMatch(log, /first-generation/, 'the old session was reaped, not appended to');
  assert.equal(fs.existsSync(path.join(dir, 'tells', 'w1-9.json')), false, "the dead generation's tells were discarded");
});

test('the prompt can come from stdin (`-` or no words)', async (t) => {
  const dir = sessionsDataDir(t);
  let r = looop(dir, ['worker', 'start', 'in1', '-', '--command', `echo {{prompt_file}}; ${HOLD}`], { input: 'line one\nline two\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.readFileSync(path.join(dir, 'prompts', 'in1.md'), 'utf8').endsWith('---\n\nline one\nline two\n'));
  r = looop(dir, ['worker', 'start', 'in2', '--command', `echo {{prompt_file}}; ${HOLD}`], { input: '   \n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /missing prompt/);
  assert.equal(fs.existsSync(path.join(dir, 'sessions', 'in2')), false);
});

test('--verify stores the postcondition; start-session is the seed alias with a named runner', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'v1', `echo {{prompt_file}}; ${HOLD}`);
  let r = looop(dir, ['worker', 'start', 'v2', 'task', '--command', `echo {{prompt_file}}; ${HOLD}`, '--verify', 'test -f reports/v2.md']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'verify', 'v2.cmd'), 'utf8'), 'test -f reports/v2.md\n');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ worker_command: 'unused {{prompt_file}}', runners: { fake: { interactive: `echo runner-fake {{prompt_file}}; ${HOLD}` } } }));
  r = looop(dir, ['start-session', 's1', 'do it', 'fake']);
  assert.equal(r.code, 0, r.stderr);
  await waitOutput(dir, 's1', /runner-fake .*prompts\/s1\.md/);
  r = looop(dir, ['start-session', 's2', 'do it', 'nosuch']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown runner 'nosuch'/);
});

test('the program a worker command runs is read as the shell would: assignments and exec/env skipped, quotes unwrapped, shell syntax unchecked', () => {
  const table = [
    ['claude --model opus "$(cat {{prompt_file}})"', 'claude'],
    ['  FOO=1 BAR=x claude -p hi', 'claude'],
    ['exec env -i PATH=/bin codex {{prompt_file}}', 'codex'],
    ["'/opt/my agent/bin/run' {{prompt_file}}", '/opt/my agent/bin/run'],
    ['"./agent" {{prompt_file}}', './agent'],
    ['vim # {{prompt_file}}', 'vim'],
    ['agent;echo {{prompt_file}}', 'agent'],
    ['9X=1 tool', '9X=1'],
    ['echo {{prompt_file}}; read -r _', null],
    ['while :; do sleep 1; done # {{prompt_file}}', null],
    ['"$LOOOP_AGENT" {{prompt_file}}', null],
    ['FOO="a b" claude', null],
    ['"unterminated {{prompt_file}}', null],
    ['"a"b {{prompt_file}}', null],
    ['( cd x && agent )', null],
    ['{ agent; }', null],
    ['ag\\ent', null],
  ];
  for (const [command, want] of table) assert.equal(lib.commandProgram(command), want, command);
  const env = { PATH: `/nonexistent-looop:${path.dirname(process.execPath)}`, HOME: '/nonexistent-home' };
  assert.equal(lib.checkProgram('node -e 0', env, '/').kind, 'found');
  assert.deepEqual(lib.checkProgram('claude-looop-missing x', env, '/'), { kind: 'missing', program: 'claude-looop-missing', where: 'was not found on PATH' });
  assert.equal(lib.checkProgram('./x', env, '/nonexistent-dir').kind, 'missing');
  assert.equal(lib.checkProgram('echo hi', env, '/').kind, 'unchecked');
});

test('worker start refuses a command whose program is missing, naming it and what to do, creating nothing', (t) => {
  const dir = sessionsDataDir(t);
  // The default worker_command runs claude; this PATH has none.
  const noClaude = { PATH: path.dirname(process.execPath) };
  let r = looop(dir, ['worker', 'start', 'w1', 'task'], { env: noClaude });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^looop: worker start w1: cannot run the worker_command: its program 'claude' was not found on PATH\n {2}install claude \(see https:\/\/docs\.claude\.com\/claude-code\), or set worker_command in .*config\.json, or pass --command\n$/);
  r = looop(dir, ['worker', 'start', 'w1', 'task', '--command', 'LANG=C nosuchprog-looop --flag {{prompt_file}}']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: worker start w1: cannot run the --command override: its program 'nosuchprog-looop' was not found on PATH\n {2}.*pass a --command whose program exists/);
  r = looop(dir, ['worker', 'start', 'w1', 'task', '--command', './bin/agent {{prompt_file}}']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`its program '\\./bin/agent' is not an executable file \\(${path.join(dir, 'bin', 'agent').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
  assert.deepEqual(created(dir), [], 'nothing was created by a refusal');
});

test('a worker that ends within its first second is reported by worker start with the end of its screen, exit 1', async (t) => {
  const dir = sessionsDataDir(t);
  // A window far wider than these workers live, so a loaded machine cannot make them outlive it;
  // the watch ends as soon as the record says they ended.
  const watch = { LOOOP_START_WATCH_MS: '15000' };
  // A program the check cannot see (behind a variable) that does not exist: the shell says so and exits 127.
  let r = looop(dir, ['worker', 'start', 'e1', 'task', '--command', '"$LOOOP_TEST_UNSET/looop-no-such-agent" {{prompt_file}}'], { env: watch });
  t.after(() => killEverything(dir));
  assert.equal(r.code, 1, r.stdout);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^looop: worker start e1: the worker ended within its first second \(exit 127\); the last lines of its screen:\n {4}.*: \/looop-no-such-agent: No such file or directory\n {2}all it printed: looop log e1\n$/);
  r = looop(dir, ['worker', 'start', 'e2', 'task', '--command', 'echo starting {{prompt_file}}; echo bad flag >&2; exit 3'], { env: watch });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(exit 3\); the last lines of its screen:\n {4}starting .*\n(.*\n)* {4}bad flag\n/);
  const rows = JSON.parse(looop(dir, ['worker', 'list', '-a', '--json']).stdout);
  assert.deepEqual(rows.map((w) => [w.id, w.health]), [['pulse', 'down'], ['e1', 'failed'], ['e2', 'failed']]);
  // A worker still running after its first second is started; the watch ends with the second.
  startWorker(t, dir, 'e3', `echo up {{prompt_file}}; ${HOLD}`, { env: { LOOOP_START_WATCH_MS: '1000' } });
  assert.equal(record(dir, 'e3').state, 'running');
});

test('an ended worker shows how it ended: done (exit 0), failed (non-zero), killed; JSON and table alike', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'h-done', 'echo finished {{prompt_file}}');
  startWorker(t, dir, 'h-failed', 'exit 4 # {{prompt_file}}');
  startWorker(t, dir, 'h-killed', `echo up {{prompt_file}}; ${HOLD}`);
  await waitState(dir, 'h-done', 'exited');
  await waitState(dir, 'h-failed', 'exited');
  await waitOutput(dir, 'h-killed', /up/);
  assert.equal(looop(dir, ['kill', 'h-killed']).code, 0);
  const rows = JSON.parse(looop(dir, ['worker', 'list', '-a', '--json']).stdout);
  assert.deepEqual(rows.map((w) => [w.id, w.state, w.exit_code, w.health]), [
    ['pulse', 'down', null, 'down'],
    ['h-done', 'exited', 0, 'done'],
    ['h-failed', 'exited', 4, 'failed'],
    ['h-killed', 'killed', null, 'killed'],
  ]);
  const table = looop(dir, ['worker', 'list', '-a']).stdout.split('\n');
  assert.match(table[2], /^h-done {4}done {9}exit 0 /);
  assert.match(table[3], /^h-failed {2}failed {7}exit 4 /);
  assert.match(table[4], /^h-killed {2}killed {7}killed /);
});
