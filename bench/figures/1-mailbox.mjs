// Ask/answer wake latency vs a 1000 ms poller, wait wake latency, and cold start.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, envFor, inotifyWatches, percentile, publish, round, spawnTimed, tmpDir, until } from '../lib.mjs';

export const keys = ['ask_wake_p50_ms', 'ask_wake_p99_ms', 'wait_wake_p50_ms', 'cold_start_ratio'];

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
  // The ask opens its watch before it writes the record, so the record's existence means armed.
  await until(() => fs.existsSync(askFile), path.join(dataDir, 'asks'), 10_000, `${askFile}`);
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

async function waitRound(dataDir, n) {
  const p = spawnTimed(process.execPath, [BIN, 'wait', '--json'], envFor(dataDir));
  // Armed once the process holds its inotify watches (data dir, asks, answers, .lock, goals, snapshots).
  await until(() => inotifyWatches(p.child.pid) >= 6 || p.child.exitCode !== null, path.join(dataDir, 'goals'), 10_000, 'wait to arm its watches');
  const t0 = performance.now();
  publish(path.join(dataDir, 'goals', 'bench.md'), `goal ${n}\n`);
  const t1 = await p.firstOutput;
  const code = await p.exit;
  if (code !== 0 || !p.out().includes('"goals"')) throw new Error(`bench: wait round ${n} printed ${p.out().slice(0, 200)} (exit ${code}) ${p.err()}`);
  return t1 - t0;
}

function runMs(cmd, args, env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`bench: ${args.join(' ')} exited ${r.status}`);
  return performance.now() - t0;
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

    log('wait wake: 50 rounds');
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
      wait_wake_p50_ms: { value: round(wait50), target: 25, baseline: round(base50), unit: ' ms', ok: wait50 <= 25 },
      cold_start_ratio: {
        value: round(ratio, 2),
        target: 1.3,
        baseline: 1,
        ok: ratio <= 1.3,
        ratio_note: `${round(cli)} ms vs node -e 0 ${round(bare)} ms`,
      },
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
