// `npm run demo`: the whole loop, end to end, in a throwaway data dir, with the
// embedded deterministic runner (no LLM, no network). The pulse decides to start a
// worker for a goal; the worker claims a lease and asks a question; the question is
// answered; the worker writes its report and ends; the next beat archives the goal.
// Every step goes through the real CLI and real files; the script only waits on file
// events and on the CLI, never on a timer (one watchdog ends a demo that is stuck).
//
//   npm run demo                      # the demo answers the worker's question itself
//   npm run demo -- --answer-yourself # you answer it, from another terminal
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'looop.cjs');
const DECIDER = path.join(ROOT, 'dist', 'demo-decider.cjs');
const AGENT = path.join(ROOT, 'dist', 'demo-agent.cjs');
const GOAL = 'hello';
const ANSWER = 'detailed';
/** How long the unattended parts may take before the demo says it is stuck (not a pacing delay). */
const STUCK_MS = Math.max(5, Number(process.env.LOOOP_DEMO_TIMEOUT_S) || 120) * 1000;

const flags = new Set(process.argv.slice(2));
for (const f of flags) {
  if (f !== '--answer-yourself' && f !== '--help' && f !== '-h') {
    console.error(`demo: unknown option ${f} (the only one is --answer-yourself)`);
    process.exit(1);
  }
}
if (flags.has('--help') || flags.has('-h')) {
  console.log('usage: npm run demo [-- --answer-yourself]\n  runs the whole looop loop with a built-in decider and agent in a throwaway data dir;\n  --answer-yourself leaves the worker\'s question for you to answer from another terminal');
  process.exit(0);
}
const answerYourself = flags.has('--answer-yourself');
for (const f of [BIN, DECIDER, AGENT]) {
  if (!fs.existsSync(f)) {
    console.error(`demo: ${path.relative(ROOT, f)} is missing; build first: npm run build`);
    process.exit(1);
  }
}

const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
const dim = (s) => (color ? `\x1b[2m${s}\x1b[0m` : s);
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const shown = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : q(a));

// A throwaway data dir, always: the demo writes a config.json and must never touch a
// real one. None of the caller's looop variables leak in (LOOOP_CONFIG would redirect it).
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'looop-demo-'));
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOOOP_')));
env.LOOOP_DATA_DIR = dataDir;
const at = (...p) => path.join(dataDir, ...p);

function step(title) {
  console.log(`\n${bold(`# ${title}`)}`);
}

/** Runs one verb to completion without blocking the event loop (the pulse's log keeps streaming). */
function looop(args, { quiet = false } = {}) {
  if (!quiet) console.log(dim(`$ looop ${args.map(shown).join(' ')}`));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      if (!quiet) process.stdout.write(stdout + stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

function show(rel) {
  console.log(dim(`$ cat ${rel}`));
  process.stdout.write(fs.readFileSync(at(rel), 'utf8'));
}

// ---- ending: always `looop down`, always say where the data dir is ----------------
let follower = null;
let pulseUp = false;
let finished = false;

function downSync() {
  if (!pulseUp) return;
  pulseUp = false;
  const r = spawnSync(process.execPath, [BIN, 'down'], { env, encoding: 'utf8' });
  process.stdout.write(dim('$ looop down\n') + r.stdout + r.stderr);
}

function stopFollower() {
  if (follower !== null && follower.exitCode === null && follower.signalCode === null) {
    try {
      process.kill(follower.pid, 'SIGTERM');
    } catch {}
  }
}

function fail(message) {
  if (finished) return;
  finished = true;
  console.error(`\ndemo: ${message}`);
  downSync();
  stopFollower();
  console.error(`the data dir is kept for a look: ${dataDir}  (tick.log and runs/*/output.log hold what the decider said)`);
  process.exit(1);
}

process.on('SIGINT', () => fail('interrupted'));
process.on('SIGTERM', () => fail('terminated'));

/** Rejects when the pulse's log ends early: the pulse session ended while the story still needs it. */
let pulseEnded = () => {};
const pulseGone = new Promise((_, reject) => (pulseEnded = () => reject(new Error('the pulse ended before the story did (see `looop log pulse`)'))));
pulseGone.catch(() => {});

/**
 * Resolves with check()'s first truthy value, re-checking whenever one of `dirs`
 * changes. `stuckMs` (null = wait as long as a human needs) bounds it; the pulse
 * ending rejects it.
 */
function until(check, dirs, what, stuckMs = STUCK_MS) {
  const watchers = [];
  let timer;
  let recheck;
  const done = new Promise((resolve, reject) => {
    const poke = () => {
      let v;
      try {
        v = check();
      } catch (e) {
        reject(e);
        return;
      }
      if (v) resolve(v);
    };
    for (const d of dirs) {
      fs.mkdirSync(d, { recursive: true, mode: 0o700 });
      const w = fs.watch(d, poke);
      w.on('error', () => {});
      watchers.push(w);
    }
    if (stuckMs !== null) timer = setTimeout(() => reject(new Error(`nothing happened for ${stuckMs / 1000}s while waiting for ${what}`)), stuckMs);
    // Watch events are hints the kernel may drop: a slow re-check covers a lost one.
    recheck = setInterval(poke, 1000);
    poke(); // after the watches exist: a change before them is seen here
  });
  return Promise.race([done, pulseGone]).finally(() => {
    clearTimeout(timer);
    clearInterval(recheck);
    for (const w of watchers) w.close();
  });
}

function pendingAskOf(worker) {
  const dir = at('asks');
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const mine = names.filter((n) => n.startsWith(`${worker}-`) && n.endsWith('.json'));
  return mine.length === 0 ? null : mine.sort()[0].slice(0, -'.json'.length);
}

function archived(goal) {
  const dir = at('goals', 'archive');
  return fs.existsSync(dir) && fs.readdirSync(dir).some((n) => n === `${goal}.md` || new RegExp(`^${goal}-\\d+\\.md$`).test(n));
}

async function story() {
  console.log(bold('looop demo — the whole loop with a built-in decider and agent (no LLM, no network)'));
  console.log(`data dir: ${dataDir}`);

  step('1. the wiring and the policy: config.json, PLAYBOOK.md, one goal');
  const config = {
    tick_command: `${q(process.execPath)} ${q(DECIDER)}`,
    worker_command: `${q(process.execPath)} ${q(AGENT)} {{prompt_file}}`,
    interval: 5,
  };
  fs.writeFileSync(at('config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // Written before anything seeds the dir, so no first-run setup goal or ask joins the story.
  fs.writeFileSync(
    at('PLAYBOOK.md'),
    '# PLAYBOOK (demo)\n\nOne worker per goal, named after it. A goal is done when its worker has left\nreports/<goal>.md; then archive the goal. Never restart a worker that ended without one.\n',
    { mode: 0o600 },
  );
  show('config.json');
  show('PLAYBOOK.md');
  const g = await looop(['goal', 'write', GOAL, 'Write a short hello report for the team.']);
  if (g.code !== 0) fail('could not write the goal');

  step('2. start the pulse; from here on its log streams below (pulse │ …)');
  pulseUp = true; // from here a failure runs `looop down`, even if `up` half-started a pulse
  const up = await looop(['up']);
  if (up.code !== 0) fail('looop up failed');
  follower = spawn(process.execPath, [BIN, 'log', 'pulse', '--follow'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let partial = '';
  follower.stdout.setEncoding('utf8').on('data', (d) => {
    const lines = (partial + d).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) console.log(`${dim('  pulse │')} ${l}`);
  });
  follower.on('close', () => {
    if (partial !== '') console.log(`${dim('  pulse │')} ${partial}`);
    if (!finished) pulseEnded();
  });

  step(`3. the decider starts worker ${GOAL}; the worker claims a lease and asks a question`);
  const askId = await until(() => pendingAskOf(GOAL), [at('asks')], `worker ${GOAL} to ask its question`);
  await looop(['asks']);
  await looop(['screenshot', GOAL]);

  if (answerYourself) {
    step('4. your turn: answer the worker (it is blocked until you do)');
    console.log('  in another terminal, run:');
    console.log(`    LOOOP_DATA_DIR=${q(dataDir)} ${q(BIN)} answer ${askId} brief   ${dim('# or: detailed')}`);
    console.log(`  …or write the answer into ${at('answers', `${askId}.txt`)} with any editor`);
    console.log(dim('  waiting for your answer (Ctrl-C stops the demo)…'));
    await until(() => fs.existsSync(at('reports', `${GOAL}.md`)), [at('reports')], 'your answer', null);
  } else {
    step('4. a human answers (here, the demo does; try --answer-yourself)');
    const a = await looop(['answer', askId, ANSWER]);
    if (a.code !== 0) fail(`could not answer ${askId}`);
  }

  step(`5. the worker writes its report and ends; the next beat archives goal ${GOAL}`);
  await until(() => archived(GOAL), [at('goals', 'archive')], `goal ${GOAL} to be archived`);
  show(path.join('reports', `${GOAL}.md`));
  await looop(['worker', 'list', '-a']);

  step('6. the state of the world');
  await looop(['state']);

  step('7. stop the pulse');
  finished = true;
  downSync();
  // The log follower ends by itself once the pulse session has ended.
  await Promise.race([new Promise((r) => follower.on('close', r)), new Promise((r) => setTimeout(r, 5000).unref())]);
  stopFollower();

  console.log(`\ndone. The data dir is kept: ${dataDir}`);
  const where = [
    ['journal.md', 'one line per move'],
    ['runs/*/output.log', 'what the decider said at each decide'],
    [`reports/${GOAL}.md`, "the worker's deliverable"],
    [`sessions/${GOAL}/`, `the worker's terminal (looop log ${GOAL}, looop screenshot ${GOAL})`],
  ];
  for (const [file, what] of where) console.log(`  ${file.padEnd(20)}  ${what}`);
  console.log(`Look around with LOOOP_DATA_DIR=${q(dataDir)} npx looop state; remove it with rm -rf ${q(dataDir)}`);
  console.log('To drive real agents instead, see "Switch to a real runner" in the README.');
}

story().then(
  () => process.exit(0),
  (e) => fail(e.message),
);
