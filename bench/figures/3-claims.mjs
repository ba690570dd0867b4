// claim_ratio: one uncontended `claim` + `unclaim` pair ÷ two `node -e 0`, interleaved
// in the same run (SPEC §7: CPU-bound figures are ratios to node's own start).
//
// claim_cycles_per_s: 20 processes racing for one claim over 200 rounds: exactly one
// winner every round (the figure's check), and claim+unclaim cycles per second under
// that contention (reported, no throughput target).
//
// Safety: 200 lockstep rounds. All 20 long-lived racers are told "go" at once, each
// answers won/held, the claim file must name the one winner, the winner unclaims, next
// round (20 untimed warm-up rounds first, checked like the rest).
// Throughput: the same 20 racers run free, each claiming and releasing until it has won
// 10 times while the others contend; every win appends enter/leave lines to a shared log
// that must never interleave. cycles/s = cycles won / elapsed. The lockstep rate is
// logged too, but it mostly measures the harness's round trips to 20 processes.
//
// Losers must see a *live* holder, or they would rightly reclaim the winner's lease.
// Holders are real live sessions (`worker start … sleep`) when the session engine is
// available, judged by the real sessionAlive; otherwise each racer claims as
// `r-<pid>-<start>` and liveness is that process's pid + start time (the same /proc
// check a session's host gets). The log says which one ran.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { freeRace, race } from '../../fixtures/claims/race.mjs';
import { BIN, envFor, percentile, round, tmpDir } from '../lib.mjs';

export const keys = ['claim_ratio', 'claim_cycles_per_s'];

const RACERS = 20;
const ROUNDS = Number(process.env.LOOOP_BENCH_CLAIM_ROUNDS ?? 200);
const RATIO_TARGET = 1.3;
const PAIRS = Number(process.env.LOOOP_BENCH_CLAIM_PAIRS ?? 30);
// Rounds run first and checked for a single winner like the others, but not timed, so
// the figure is the racers' steady state rather than their JIT warm-up.
const WARMUP = 20;

function cli(dataDir, args) {
  return spawnSync(process.execPath, [BIN, ...args], { env: envFor(dataDir, { LOOOP_MAX_WORKERS: String(RACERS + 4) }), encoding: 'utf8' });
}

/** Starts one idle session per racer; returns their ids, or null (and why) when sessions are unavailable. */
function startSessions(dataDir) {
  const ids = [];
  for (let i = 0; i < RACERS; i++) {
    const id = `bench-claim-${i}`;
    const r = cli(dataDir, ['worker', 'start', id, 'claim bench holder', '--command', 'test -f {{prompt_file}} && exec sleep 3600']);
    if (r.status !== 0) {
      stopSessions(dataDir, ids);
      return { ids: null, why: (r.stderr.split('\n')[0] || `exit ${r.status}`).trim() };
    }
    ids.push(id);
  }
  return { ids, why: '' };
}

function runMs(args, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return performance.now() - t0;
}

/** Median claim+unclaim pair and median pair of `node -e 0`, interleaved, by `holder` (a live session when there is one). */
function uncontendedPairs(dataDir, holder) {
  const env = envFor(dataDir);
  const claim = ['claim', 'bench-solo', '--session', holder];
  const unclaim = ['unclaim', 'bench-solo', '--session', holder];
  runMs([BIN, ...claim], env);
  runMs([BIN, ...unclaim], env);
  const pairs = [];
  const bares = [];
  for (let i = 0; i < PAIRS; i++) {
    bares.push(runMs(['-e', '0'], env) + runMs(['-e', '0'], env));
    pairs.push(runMs([BIN, ...claim], env) + runMs([BIN, ...unclaim], env));
  }
  return { pair: percentile(pairs, 50), bare: percentile(bares, 50) };
}

function stopSessions(dataDir, ids) {
  for (const id of ids) cli(dataDir, ['worker', 'kill', id]);
}

export async function measure({ log }) {
  const dataDir = tmpDir('claims');
  let sessions = [];
  try {
    const started = startSessions(dataDir);
    const mode = started.ids === null ? 'proc' : 'fleet';
    sessions = started.ids ?? [];
    const solo = uncontendedPairs(dataDir, sessions[0] ?? 'bench-solo-holder');
    const ratio = solo.pair / solo.bare;
    log(`claims: uncontended claim+unclaim p50 ${round(solo.pair)} ms vs two node -e 0 ${round(solo.bare)} ms (×${round(ratio, 2)})`);
    log(
      mode === 'fleet'
        ? `claims: ${RACERS} racers × ${ROUNDS} rounds, holders are ${RACERS} live sessions (real sessionAlive)`
        : `claims: ${RACERS} racers × ${ROUNDS} rounds, holders are the racer processes (pid + start time); sessions unavailable: ${started.why}`,
    );
    const r = await race({ dataDir, name: 'bench', racers: RACERS, rounds: ROUNDS, warmup: WARMUP, mode, sessionIds: sessions, env: envFor(dataDir) });
    const perSec = (1000 * r.rounds) / r.elapsedMs;
    const p50 = percentile(r.roundMs, 50);
    const p99 = percentile(r.roundMs, 99);
    log(`claims: ${r.rounds} rounds, round p50 ${round(p50, 2)} ms, p99 ${round(p99, 2)} ms, violations ${r.violations.length}`);
    for (const v of r.violations.slice(0, 5)) log(`claims: VIOLATION ${v}`);
    const exact = r.violations.length === 0 && r.rounds === ROUNDS;
    // Throughput without the lockstep harness: every racer claims and releases until it
    // has won 10 times, waiting on the claim file while another holds it.
    const free = await freeRace({ dataDir, name: 'bench-free', racers: RACERS, cycles: 10, mode, sessionIds: sessions, env: envFor(dataDir) });
    const freePerSec = (1000 * free.cycles) / free.elapsedMs;
    log(`claims: lockstep ${round(perSec)} rounds/s; free-running ${free.cycles} cycles by ${RACERS} contenders: ${round(freePerSec)} cycles/s, overlaps ${free.violations.length}`);
    for (const v of free.violations.slice(0, 5)) log(`claims: VIOLATION ${v}`);
    const safe = exact && free.violations.length === 0;
    return {
      claim_ratio: {
        value: round(ratio, 2),
        target: RATIO_TARGET,
        baseline: 1,
        ok: ratio <= RATIO_TARGET,
        ratio_note: `${round(solo.pair)} ms vs two node -e 0 ${round(solo.bare)} ms`,
      },
      // A correctness run: ok means exactly one winner every round and no overlap; the rate is reported only.
      claim_cycles_per_s: {
        value: round(freePerSec),
        target: 'exactly one winner every round, no overlap',
        cmp: 'none;',
        ok: safe,
        one_winner_every_round: exact,
        lockstep_rounds_per_s: round(perSec),
        liveness: mode === 'fleet' ? 'sessions' : 'racer processes',
      },
    };
  } finally {
    stopSessions(dataDir, sessions);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
