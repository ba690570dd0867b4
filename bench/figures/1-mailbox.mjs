// Ask/answer wake latency vs a 1000 ms poller, wait wake latency vs the ask's, cold
// start, and what a blocked ask or wait costs while nothing happens (vs a 100 ms poller).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, blockedInEventLoop, envFor, idleCost, inotifyWatches, percentile, publish, round, spawnTimed, steadily, tmpDir, until } from '../lib.mjs';

export const keys = [
  'ask_wake_p50_ms',
  'ask_wake_p99_ms',
  'wait_wake_p50_ms',
  'cold_start_ratio',
  'ask_idle_wakeups_per_s',
  'ask_idle_cpu_pct',
  'wait_idle_wakeups_per_s',
  'wait_idle_cpu_pct',
];

const ROUNDS = Number(process.env.LOOOP_BENCH_ROUNDS ?? 200);
const BASELINE_ROUNDS = 20;

function answerJson(text) {
  return `${JSON.stringify({ v: 1, answer: text, ts: Math.floor(Date.now() / 1000) })}\n`;
}

/** One blocked `looop ask`: the time from the answer file landing to the answer on stdout. */
async function askRound(dataDir, n) {
  const p = spawnTimed(process.execPath, [BIN, 'ask', 'bench', '--prompt', `round ${n}`], envFor(dataDir));
  const id = `bench-${n}`;
  const askFile = path.join(dataDir, 'asks', `${id}.json`);
  // The ask opens its watch before it writes the record, so the record's existence means
  // armed; then it is timed from when it is blocked, as a waiting ask is.
  await until(() => fs.existsSync(askFile), path.join(dataDir, 'asks'), 10_000, `${askFile}`);
  await until(steadily(() => blockedInEventLoop(p.child.pid)), path.join(dataDir, 'asks'), 10_000, `ask ${n} to block`);
  const t0 = performance.now();
  publish(path.join(dataDir, 'answers', `${id}.json`), answerJson(`ok ${n}`));
  const t1 = await p.firstOutput;
  const code = await p.exit;
  if (code !== 0 || p.out().trim() !== `ok ${n}`) throw new Error(`bench: ask round ${n} printed ${JSON.stringify(p.out())} (exit ${code}) ${p.err()}`);
  return t1 - t0;
}

/** The upstream behaviour: poll for the answer file every 1000 ms. */
async function pollerRound(dir, n) {
  const file = path.join(dir, `poll-${n}.json`);
  const script = `const fs=require('fs');const f=${JSON.stringify(file)};process.stdout.write('');const t=setInterval(()=>{if(fs.existsSync(f)){process.stdout.write(fs.readFileSync(f,'utf8'));clearInterval(t);}},1000);`;
  const p = spawnTimed(process.execPath, ['-e', script], process.env);
  // Arm at a random phase of the poll cycle, as a real answer would.
  await new Promise((r) => setTimeout(r, 100 + Math.random() * 1000));
  const t0 = performance.now();
  publish(file, answerJson('x'));
  const t1 = await p.firstOutput;
  await p.exit;
  return t1 - t0;
}

/** `wait` in a data dir with history: started, armed (its six inotify watches), then a goal lands. */
async function waitRound(dataDir, n) {
  const p = spawnTimed(process.execPath, [BIN, 'wait', '--json'], envFor(dataDir));
  // Armed once the process holds its inotify watches (data dir, asks, answers, .lock, goals,
  // snapshots); timed from when it is blocked on them, past its start-up reads, as the ask is.
  const armed = steadily(() => inotifyWatches(p.child.pid) >= 6 && blockedInEventLoop(p.child.pid));
  await until(() => armed() || p.child.exitCode !== null, path.join(dataDir, 'goals'), 10_000, 'wait to arm its watches and block');
  const t0 = performance.now();
  publish(path.join(dataDir, 'goals', 'bench.md'), `goal ${n}\n`);
  const t1 = await p.firstOutput;
  const code = await p.exit;
  if (code !== 0 || !p.out().includes('"goals"')) throw new Error(`bench: wait round ${n} printed ${p.out().slice(0, 200)} (exit ${code}) ${p.err()}`);
  return t1 - t0;
}

const IDLE_WINDOW_MS = 4000;

/**
 * A blocked ask, a blocked wait and a 100 ms poller (the baseline) side by side over one
 * quiet window: wake-ups (voluntary context switches) per second and CPU share. A watch
 * wakes only for its rescan tick; a poller wakes ten times a second. The wait gets a data
 * dir of its own (a pending ask would end it at once) with a pulse stub (else: pulse-down).
 */
async function idleFigures() {
  const askDir = tmpDir('idle-ask');
  const waitDir = tmpDir('idle-wait');
  const started = [];
  try {
    const stub = spawn(process.execPath, [path.join(ROOT, 'fixtures', 'pulse-stub.mjs')], { env: envFor(waitDir), stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(stub);
    await new Promise((r) => stub.stdout.once('data', r));
    const ask = spawnTimed(process.execPath, [BIN, 'ask', 'idle', '--prompt', 'nothing happens'], envFor(askDir));
    const wait = spawnTimed(process.execPath, [BIN, 'wait', '--json'], envFor(waitDir));
    const flag = path.join(askDir, 'poll-flag');
    const poller = spawn(process.execPath, ['-e', `const fs=require('fs');setInterval(()=>fs.existsSync(${JSON.stringify(flag)}),100)`], { stdio: 'ignore' });
    started.push(ask.child, wait.child, poller);
    fs.mkdirSync(path.join(askDir, 'asks'), { recursive: true });
    await until(() => fs.existsSync(path.join(askDir, 'asks', 'idle-1.json')), path.join(askDir, 'asks'), 30_000, 'the idle ask to write its record');
    await until(() => inotifyWatches(wait.child.pid) >= 6 || wait.child.exitCode !== null, waitDir, 30_000, 'the idle wait to arm its watches');
    if (wait.child.exitCode !== null) throw new Error(`bench: the idle wait exited ${wait.child.exitCode}: ${wait.out()} ${wait.err()}`);
    const [a, w, p] = await idleCost([ask.child.pid, wait.child.pid, poller.pid], IDLE_WINDOW_MS);
    return { ask: a, wait: w, poller: p };
  } finally {
    for (const c of started) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {}
    }
    fs.rmSync(askDir, { recursive: true, force: true });
    fs.rmSync(waitDir, { recursive: true, force: true });
  }
}

function runMs(cmd, args, env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`bench: ${args.join(' ')} exited ${r.status}`);
  return performance.now() - t0;
}

/** A blocked process should wake only for its rescan (every 2 s) plus runtime housekeeping. */
function idleKeys(name, cost, poller) {
  const note = `100 ms poller: ${round(poller.wakeupsPerS)} wake-ups/s, ${round(poller.cpuPct, 2)}% CPU`;
  return {
    [`${name}_idle_wakeups_per_s`]: { value: round(cost.wakeupsPerS), target: 6, baseline: round(poller.wakeupsPerS), unit: '/s', ok: cost.wakeupsPerS <= 6, ratio_note: note },
    [`${name}_idle_cpu_pct`]: { value: round(cost.cpuPct, 2), target: 1, baseline: round(poller.cpuPct, 2), unit: '%', ok: cost.cpuPct <= 1, ratio_note: note },
  };
}

export async function measure({ log }) {
  const dataDir = tmpDir('ask');
  try {
    spawnSync(process.execPath, [BIN, 'asks'], { env: envFor(dataDir) });
    log(`ask wake: ${ROUNDS} rounds`);
    const wakes = [];
    for (let i = 1; i <= ROUNDS; i++) wakes.push(await askRound(dataDir, i));
    log(`1000 ms poller baseline: ${BASELINE_ROUNDS} rounds`);
    const polls = [];
    for (let i = 1; i <= BASELINE_ROUNDS; i++) polls.push(await pollerRound(dataDir, i));

    log(`wait wake: 50 rounds, in the same data dir (${ROUNDS} delivered asks of history)`);
    const stub = spawn(process.execPath, [path.join(ROOT, 'fixtures', 'pulse-stub.mjs')], { env: envFor(dataDir), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((r) => stub.stdout.once('data', r));
    const waits = [];
    try {
      for (let i = 1; i <= 50; i++) waits.push(await waitRound(dataDir, i));
    } finally {
      stub.kill('SIGTERM');
    }

    log('cold start: median of 30 × `looop asks --json` vs 30 × `node -e 0`, interleaved');
    const env = envFor(dataDir);
    // Interleaved runs and medians, so a busy machine slows both sides alike.
    const bareRuns = [];
    const cliRuns = [];
    runMs(process.execPath, ['-e', '0'], env);
    for (let i = 0; i < 30; i++) {
      bareRuns.push(runMs(process.execPath, ['-e', '0'], env));
      cliRuns.push(runMs(process.execPath, [BIN, 'asks', '--json'], env));
    }
    log(`idle cost: a blocked ask, a blocked wait and a 100 ms poller over ${IDLE_WINDOW_MS / 1000} s`);
    const idle = await idleFigures();
    const bare = percentile(bareRuns, 50);
    const cli = percentile(cliRuns, 50);
    const p50 = percentile(wakes, 50);
    const p99 = percentile(wakes, 99);
    const base50 = percentile(polls, 50);
    const base99 = percentile(polls, 99);
    const wait50 = percentile(waits, 50);
    const ratio = cli / bare;
    return {
      ask_wake_p50_ms: { value: round(p50), target: 15, baseline: round(base50), unit: ' ms', ok: p50 <= 15 },
      ask_wake_p99_ms: { value: round(p99), target: 60, baseline: round(base99), unit: ' ms', ok: p99 <= 60 },
      // Same mechanism as the ask (a directory watch), so it must be as quick: ≤ 25 ms and ≤ 2× the ask's.
      wait_wake_p50_ms: {
        value: round(wait50),
        target: 25,
        target_note: `≤ 25 ms and ≤ 2× ask_wake_p50_ms (${round(2 * p50)} ms)`,
        baseline: round(p50),
        unit: ' ms',
        ok: wait50 <= 25 && wait50 <= 2 * p50,
        ratio_note: `ask wake p50; ${round(wait50 / p50, 2)}× it`,
      },
      cold_start_ratio: {
        value: round(ratio, 2),
        target: 1.3,
        baseline: 1,
        ok: ratio <= 1.3,
        ratio_note: `${round(cli)} ms vs node -e 0 ${round(bare)} ms`,
      },
      ...idleKeys('ask', idle.ask, idle.poller),
      ...idleKeys('wait', idle.wait, idle.poller),
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
