// Session engine figures: `worker start` → record `running` latency as a ratio to
// `node -e 0` measured in the same run (tmux's `new-session -d` reported beside it),
// an idle host's RSS and CPU, and a screenshot of a session with a 50 MB log
// (replayed from output.log — the slowest path; the live and saved-final paths are
// logged too).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, envFor, percentile, round, tmpDir, until } from '../lib.mjs';
import { writeFlood } from '../../fixtures/flood.mjs';
import { killEverything } from '../../spec/sessions-helpers.mjs';

export const keys = ['worker_start_ratio', 'host_rss_mb', 'host_idle_cpu_pct', 'screenshot_50mb_s'];

const STARTS = Number(process.env.LOOOP_BENCH_STARTS ?? 15);
const START_RATIO_TARGET = 2.5;
const IDLE_SECS = 5;
const HOLD = 'read -r _ # {{prompt_file}}';

const recordOf = (dir, id) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'sessions', id, 'session.json'), 'utf8'));
  } catch {
    return null;
  }
};

function cli(dir, args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: envFor(dir), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench: looop ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Spawns `worker start` and resolves with the ms until its record says running. */
async function timedStart(dir, id, command) {
  const t0 = performance.now();
  const child = spawn(process.execPath, [BIN, 'worker', 'start', id, 'bench', '--command', command], { env: envFor(dir), stdio: 'ignore' });
  const exited = new Promise((r) => child.on('close', r));
  fs.mkdirSync(path.join(dir, 'sessions'), { recursive: true });
  // The session dir appears first; then watch it for the record to turn running.
  await until(() => fs.existsSync(path.join(dir, 'sessions', id)), path.join(dir, 'sessions'), 10_000, `sessions/${id}`);
  await until(() => recordOf(dir, id)?.state === 'running', path.join(dir, 'sessions', id), 10_000, `${id} running`);
  const ms = performance.now() - t0;
  const code = await exited;
  if (code !== 0) throw new Error(`bench: worker start ${id} exited ${code}`);
  return ms;
}

/** Wall ms of one process run to completion (the `node -e 0` baseline, tmux's client). */
function runMs(cmd, args, env = process.env) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`bench: ${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  return performance.now() - t0;
}

/**
 * tmux's `new-session -d` on a server of its own (started by that command, as our host
 * is per session), or null without tmux. The server is ended by its socket name.
 */
function tmuxNewSession(n) {
  if (spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status !== 0) return null;
  const sock = `looop-bench-${process.pid}-${n}`;
  try {
    return runMs('tmux', ['-L', sock, '-f', '/dev/null', 'new-session', '-d', '-s', 'bench', 'read -r _']);
  } finally {
    spawnSync('tmux', ['-L', sock, 'kill-server'], { stdio: 'ignore' });
  }
}

function procTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) / 1024;
}

/** Wall time and peak RSS of one `looop screenshot` run. */
function timedShot(dir, id) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BIN, 'screenshot', id, '--json'], { env: envFor(dir), encoding: 'utf8', maxBuffer: 64 << 20 });
  const t0 = performance.now();
  const again = spawnSync(process.execPath, [BIN, 'screenshot', id, '--json'], { env: envFor(dir), encoding: 'utf8', maxBuffer: 64 << 20 });
  const s = (performance.now() - t0) / 1000;
  if (again.status !== 0) throw new Error(`bench: screenshot ${id}: ${again.stderr}`);
  const peakKb = Number(/(\d+)\s*$/.exec(r.stderr)?.[1] ?? NaN);
  return { s, peakMb: peakKb / 1024, source: JSON.parse(again.stdout).source };
}

export async function measure({ log }) {
  const dir = tmpDir('sessions');
  try {
    log(`worker start → running: ${STARTS} starts, each beside a \`node -e 0\` and a tmux new-session -d`);
    // Interleaved, so a busy machine slows the start and its baseline alike; one untimed start warms the disk cache.
    await timedStart(dir, 'warm', HOLD);
    cli(dir, ['kill', 'warm']);
    runMs(process.execPath, ['-e', '0']);
    const starts = [];
    const bares = [];
    const tmuxes = [];
    for (let i = 0; i < STARTS; i++) {
      bares.push(runMs(process.execPath, ['-e', '0']));
      starts.push(await timedStart(dir, `start-${i}`, HOLD));
      cli(dir, ['kill', `start-${i}`]);
      const tm = tmuxNewSession(i);
      if (tm !== null) tmuxes.push(tm);
    }
    const startP50 = percentile(starts, 50);
    const bareP50 = percentile(bares, 50);
    const startRatio = startP50 / bareP50;
    const tmuxP50 = tmuxes.length > 0 ? percentile(tmuxes, 50) : null;
    const tmuxNote = tmuxP50 === null ? 'tmux not installed' : `tmux new-session -d ${round(tmuxP50)} ms (×${round(tmuxP50 / bareP50, 2)})`;
    log(`  p50 ${round(startP50)} ms, p95 ${round(percentile(starts, 95))} ms; node -e 0 p50 ${round(bareP50)} ms; ${tmuxNote}`);

    log(`idle host: RSS and CPU over ${IDLE_SECS} s`);
    await timedStart(dir, 'idle', `printf 'hello \\033[32mworld\\033[0m\\n'; ${HOLD}`);
    const host = recordOf(dir, 'idle').context.host.pid;
    await new Promise((r) => setTimeout(r, 1000)); // let start-up settle before measuring idleness
    const t0 = procTicks(host);
    await new Promise((r) => setTimeout(r, IDLE_SECS * 1000));
    const cpu = ((procTicks(host) - t0) / (IDLE_SECS * 100)) * 100;
    const rss = rssMb(host);
    log(`  RSS ${round(rss)} MB, CPU ${round(cpu, 2)} %`);

    log('screenshot of a session with a 50 MB log');
    writeFlood(path.join(dir, 'flood.txt'));
    await timedStart(dir, 'flood', `cat flood.txt; echo FLOOD-END; ${HOLD}`);
    const out = path.join(dir, 'sessions', 'flood', 'output.log');
    const tail = () => {
      const size = fs.statSync(out).size;
      const fd = fs.openSync(out, 'r');
      const b = Buffer.alloc(Math.min(64, size));
      fs.readSync(fd, b, 0, b.length, size - b.length);
      fs.closeSync(fd);
      return b.toString('latin1');
    };
    await until(() => tail().includes('FLOOD-END'), path.join(dir, 'sessions', 'flood'), 60_000, 'the flood to reach output.log');
    const live = timedShot(dir, 'flood');
    const hostRssAfter = rssMb(recordOf(dir, 'flood').context.host.pid);
    cli(dir, ['kill', 'flood']);
    const final = timedShot(dir, 'flood');
    fs.rmSync(path.join(dir, 'sessions', 'flood', 'screen.final.json'));
    const replay = timedShot(dir, 'flood');
    const mb = fs.statSync(out).size / 1048576;
    log(`  ${round(mb)} MB log: live ${round(live.s, 3)} s, final ${round(final.s, 3)} s, replay ${round(replay.s, 3)} s (peak RSS ${round(replay.peakMb)} MB); host RSS after the flood ${round(hostRssAfter)} MB`);
    if (replay.source !== 'replay' || final.source !== 'final' || live.source !== 'live') throw new Error('bench: screenshot took an unexpected path');

    return {
      worker_start_ratio: {
        value: round(startRatio, 2),
        target: START_RATIO_TARGET,
        baseline: 1,
        ok: startRatio <= START_RATIO_TARGET,
        ratio_note: `${round(startP50)} ms vs node -e 0 ${round(bareP50)} ms; ${tmuxNote}`,
        tmux_new_session_ms: tmuxP50 === null ? null : round(tmuxP50),
      },
      host_rss_mb: { value: round(rss), target: 60, unit: ' MB', ok: rss <= 60 },
      host_idle_cpu_pct: { value: round(cpu, 2), target: 1, unit: ' %', ok: cpu <= 1 },
      screenshot_50mb_s: { value: round(replay.s, 2), target: 1.5, unit: ' s', ok: replay.s <= 1.5, ratio_note: `replay of output.log, peak RSS ${round(replay.peakMb)} MB; live ${round(live.s, 2)} s, saved final ${round(final.s, 2)} s` },
    };
  } finally {
    killEverything(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
