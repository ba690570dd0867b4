// The embedded demo runner: the bundled decider run as a real process in prepared data
// dirs (its .decision.json read back with our own decision reader), and the bundled
// agent run as a real worker through the real CLI, its ask answered with `looop answer`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, TMP_ROOT, envFor, looop, patience, readJson, tempDataDir, waitFor } from './helpers.mjs';
import { killEverything, startWorker, waitState } from './sessions-helpers.mjs';
import { decision, paths, seedLayout } from '../dist/lib.mjs';

const DECIDER = path.join(ROOT, 'dist', 'demo-decider.cjs');
const AGENT = path.join(ROOT, 'dist', 'demo-agent.cjs');
const AGENT_COMMAND = `'${process.execPath}' '${AGENT}' {{prompt_file}}`;

/** Runs the bundled decider the way the pulse does: cwd = data dir, LOOOP_DATA_DIR and LOOOP_BIN set. */
function decide(dir, env = {}) {
  const decisionFile = path.join(dir, decision.DECISION_FILE);
  fs.rmSync(decisionFile, { force: true });
  const r = spawnSync(process.execPath, [DECIDER], { cwd: dir, env: envFor(dir, { LOOOP_BIN: BIN, ...env }), encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, read: fs.existsSync(decisionFile) ? decision.readDecision(decisionFile) : null };
}

/** The decider's move, checked to be one valid decision (our reader) with a journal line and one stdout line. */
function move(dir) {
  const r = decide(dir);
  assert.equal(r.code, 0, `the decider should exit 0; stderr: ${r.stderr}`);
  assert.ok(r.read !== null, `the decider wrote no ${decision.DECISION_FILE}; stdout: ${r.stdout}`);
  assert.equal(r.read.kind, 'ok', `the decision should parse: ${JSON.stringify(r.read)}`);
  assert.match(r.read.decision.journal, /^demo: \S/);
  assert.match(r.stdout, /^demo decider: [^\n]+\n$/, 'one human line on stdout');
  return { ...r.read.decision.action, stdout: r.stdout };
}

function writeGoal(dir, id, body) {
  fs.mkdirSync(path.join(dir, 'goals'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'goals', `${id}.md`), body);
}

test('demo decider: no goals → noop saying so', (t) => {
  const dir = tempDataDir(t, 'demo');
  const m = move(dir);
  assert.equal(m.action, 'noop');
  assert.match(m.reason, /^no goals/);
});

test('demo decider: a goal with no worker → start_worker with the goal id and its text as the prompt', (t) => {
  const dir = tempDataDir(t, 'demo');
  writeGoal(dir, 'zeta', 'Later work.\n');
  writeGoal(dir, 'hello', 'Say hello.\nThen stop.\n');
  // A goal file that cannot be read holds nothing up: it is named, and the next goal moves.
  fs.mkdirSync(path.join(dir, 'goals', 'a-broken.md'));
  const m = move(dir);
  assert.deepEqual({ action: m.action, id: m.id, prompt: m.prompt }, { action: 'start_worker', id: 'hello', prompt: 'Say hello.\nThen stop.' });
  assert.match(m.stdout, /goal hello has no worker → start_worker hello/);
  assert.deepEqual(move(dir).prompt, m.prompt, 'the same world gives the same move');
  fs.rmSync(path.join(dir, 'goals', 'hello.md'));
  fs.rmSync(path.join(dir, 'goals', 'zeta.md'));
  const n = move(dir);
  assert.equal(n.action, 'noop');
  assert.match(n.reason, /goals\/a-broken\.md .*directory/);
});

test('demo decider: the seeded setup/playbook-daily goals are left alone; a human goal named setup is not', (t) => {
  const dir = tempDataDir(t, 'demo');
  const ctx = { paths: paths.resolvePaths({ LOOOP_DATA_DIR: dir }, dir), env: {}, now: () => new Date(), warn: () => {}, bin: BIN };
  assert.equal(seedLayout(ctx).seeded, true);
  assert.ok(fs.existsSync(path.join(dir, 'goals', 'setup.md')) && fs.existsSync(path.join(dir, 'goals', 'playbook-daily.md')));
  const m = move(dir);
  assert.equal(m.action, 'noop');
  assert.match(m.reason, /seeded goals \(playbook-daily, setup\)/);
  writeGoal(dir, 'setup', 'Set up the demo.\n');
  const n = move(dir);
  assert.deepEqual({ action: n.action, id: n.id, prompt: n.prompt }, { action: 'start_worker', id: 'setup', prompt: 'Set up the demo.' });
});

test('demo decider: a worker that ended without a report → noop, never a restart', async (t) => {
  const dir = tempDataDir(t, 'demo');
  writeGoal(dir, 'quitter', 'Do the thing.\n');
  startWorker(t, dir, 'quitter', 'true # {{prompt_file}}');
  await waitState(dir, 'quitter', 'exited');
  for (let i = 0; i < 2; i++) {
    const m = move(dir);
    assert.equal(m.action, 'noop');
    assert.match(m.reason, /worker quitter ended \(exited 0\) without reports\/quitter\.md; not restarting/);
  }
});

test('demo decider: a failing `looop state` is one line on stderr, exit 1, and no decision', (t) => {
  const dir = tempDataDir(t, 'demo');
  writeGoal(dir, 'hello', 'Say hello.\n');
  const r = decide(dir, { LOOOP_BIN: '/bin/false' });
  assert.equal(r.code, 1);
  assert.equal(r.read, null, 'no decision may be written');
  assert.match(r.stderr, /^demo decider: looop state --json failed \(exit 1\)\n$/);
});

test('demo agent as a real worker: claims, asks, and on the answer writes its report, releases the claim and exits 0; the decider follows along', async (t) => {
  const dir = tempDataDir(t, 'demo');
  writeGoal(dir, 'hello', 'Write a hello report.\n');
  const start = move(dir);
  assert.equal(start.action, 'start_worker');
  // What the pulse's start_worker does, through the same CLI path.
  startWorker(t, dir, start.id, AGENT_COMMAND, { prompt: start.prompt });

  const askFile = path.join(dir, 'asks', 'hello-1.json');
  const claimFile = path.join(dir, 'claims', 'report-hello.json');
  await waitFor(() => fs.existsSync(askFile), { dir: path.join(dir, 'asks'), what: 'the agent to ask hello-1', describe: () => looop(dir, ['screenshot', 'hello', '--plain']).stdout });
  const claim = readJson(claimFile);
  assert.deepEqual({ state: claim.state, holder: claim.context.holder }, { state: 'held', holder: 'hello' }, 'the claim is taken before the ask');
  const asks = JSON.parse(looop(dir, ['asks', '--json']).stdout);
  assert.equal(asks.length, 1);
  assert.equal(asks[0].worker, 'hello');
  assert.deepEqual(asks[0].options, ['brief', 'detailed']);
  assert.match(asks[0].prompt, /Write a hello report\./);

  const waiting = move(dir);
  assert.equal(waiting.action, 'noop');
  assert.match(waiting.reason, /worker hello waits for an answer to ask hello-1/);

  const a = looop(dir, ['answer', 'hello-1', 'detailed']);
  assert.equal(a.code, 0, a.stderr);
  const ended = await waitState(dir, 'hello', ['exited', 'killed', 'dead']);
  assert.equal(ended.state, 'exited', `the agent should exit by itself; screen: ${looop(dir, ['screenshot', 'hello', '--plain']).stdout}`);
  assert.equal(ended.context.exitCode, 0, `screen: ${looop(dir, ['screenshot', 'hello', '--plain']).stdout}`);
  const report = fs.readFileSync(path.join(dir, 'reports', 'hello.md'), 'utf8');
  assert.match(report, /> Write a hello report\./);
  assert.match(report, /they answered: detailed/);
  const released = readJson(claimFile);
  assert.deepEqual({ state: released.state, by: released.context.releasedBy }, { state: 'released', by: 'hello' });
  const screen = looop(dir, ['log', 'hello']).stdout;
  for (const step of ['claim report-hello is mine', 'the human answered: detailed', 'wrote reports/hello.md', 'released report-hello; done']) {
    assert.ok(screen.includes(step), `the screen should say ${JSON.stringify(step)}:\n${screen}`);
  }

  const archive = move(dir);
  assert.deepEqual({ action: archive.action, id: archive.id }, { action: 'archive_goal', id: 'hello' });
  assert.equal(looop(dir, ['goal', 'archive', 'hello']).code, 0);
  const done = move(dir);
  assert.equal(done.action, 'noop');
  assert.match(done.reason, /^no goals/);
});

test('demo agent outside a worker: one usage line, exit 2', (t) => {
  const dir = tempDataDir(t, 'demo');
  const brief = path.join(dir, 'brief.md');
  fs.writeFileSync(brief, 'x\n');
  const r = spawnSync(process.execPath, [AGENT, brief], { cwd: dir, env: envFor(dir, { LOOOP_BIN: BIN }), encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^demo agent: LOOOP_SESSION_ID is not set: [^\n]+\n$/);
  assert.equal(r.stdout, '');
});

// The README's first command, end to end. It needs the pulse (`looop up`), which is built
// on another branch: until that lands here the test is skipped, and says why.
const hasPulse = spawnSync(process.execPath, [BIN, 'up', '--help'], { encoding: 'utf8' }).status === 0;

test('npm run demo: the whole loop in a private throwaway dir, never in $LOOOP_DATA_DIR', { skip: hasPulse ? false : 'needs `looop up` (the pulse is not on this branch yet)' }, async (t) => {
  const parent = fs.mkdtempSync(path.join(TMP_ROOT, 'demo-e2e-'));
  const demoDirs = () => fs.readdirSync(parent).filter((n) => n.startsWith('looop-demo-')).map((n) => path.join(parent, n));
  // Whatever the demo left running (pulse, worker) is killed by the pids its records name, then the dirs go.
  t.after(() => {
    for (const d of demoDirs()) killEverything(d);
    if (process.env.LOOOP_KEEP_TMP !== '1') fs.rmSync(parent, { recursive: true, force: true });
  });
  const decoy = path.join(parent, 'someone-elses-data');
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs')], { env: envFor(decoy, { TMPDIR: parent }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
  const ms = patience(180_000);
  let timer;
  const code = await Promise.race([
    new Promise((resolve) => child.on('close', resolve)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`npm run demo did not finish within ${ms} ms:\n${out}`)), ms))),
  ]).finally(() => clearTimeout(timer));
  if (code === null) process.kill(child.pid, 'SIGKILL');
  assert.equal(code, 0, out);
  assert.equal(fs.existsSync(decoy), false, 'the demo must not touch $LOOOP_DATA_DIR');
  const dirs = demoDirs();
  assert.equal(dirs.length, 1, `one throwaway data dir under $TMPDIR: ${dirs}`);
  const dir = dirs[0];
  assert.ok(out.includes(`data dir: ${dir}`) && out.includes(`The data dir is kept: ${dir}`), out);
  assert.match(out, /\$ looop up\n/);
  assert.match(out, /  pulse │ /, 'the pulse\'s log is shown');
  assert.match(out, /\$ looop answer hello-\d+ detailed\n/);
  assert.match(out, /\$ looop down\n/);
  assert.ok(fs.existsSync(path.join(dir, 'goals', 'archive', 'hello.md')), 'the goal was archived');
  assert.equal(fs.existsSync(path.join(dir, 'goals', 'setup.md')), false, 'no seeded setup goal');
  assert.match(fs.readFileSync(path.join(dir, 'reports', 'hello.md'), 'utf8'), /they answered: detailed/);
  const journal = fs.readFileSync(path.join(dir, 'journal.md'), 'utf8');
  for (const line of ['demo: goal hello has no worker yet, starting one', 'demo: worker hello left reports/hello.md, archiving goal hello']) {
    assert.ok(journal.includes(line), `journal.md should hold ${JSON.stringify(line)}:\n${journal}`);
  }
  const state = JSON.parse(looop(dir, ['state', '--json']).stdout);
  assert.equal(state.pulse_alive, false, 'looop down stopped the pulse');
  assert.deepEqual(state.workers.filter((w) => w.alive), []);
  const open = [];
  const walk = (p) => {
    const st = fs.lstatSync(p);
    if ((st.mode & 0o077) !== 0) open.push(`${path.relative(dir, p) || '.'} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of fs.readdirSync(p)) walk(path.join(p, n));
  };
  walk(dir);
  assert.deepEqual(open, [], 'nothing in the data dir is group- or world-accessible');
});
