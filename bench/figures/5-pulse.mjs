// Pulse figures. beat_overhead_ms: one beat over an unchanged world with 10 user
// sensors, beyond the slowest sensor run on its own. decide_overhead_ms: a deciding
// beat minus a skipping one minus the runner's own run (a runner that writes its
// decision at once). goal_edit_to_decide_ms: a goal written while a real `looop pulse`
// sleeps → its runner starts; the baseline is upstream's fixed 60 s interval (30 s mean).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, envFor, percentile, round, tmpDir, until } from '../lib.mjs';

export const keys = ['beat_overhead_ms', 'decide_overhead_ms', 'goal_edit_to_decide_ms', 'schedule_due_to_decide_ms'];

const BEATS = Number(process.env.LOOOP_BENCH_BEATS ?? 15);
const EDITS = Number(process.env.LOOOP_BENCH_EDITS ?? 8);
const SCHEDULES = Number(process.env.LOOOP_BENCH_SCHEDULES ?? 4);
const SENSOR = '#!/bin/bash\necho \'{"signal":{"ok":true},"detail":{"n":1}}\'\n';
const DECIDE_NOW = `printf '%s' '{"action":"noop","reason":"bench"}' > .decision.json`;

function setup(label, tick) {
  const dir = tmpDir(label);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ tick_command: tick, worker_command: 'cat {{prompt_file}}', interval: 60 }));
  fs.writeFileSync(path.join(dir, 'PLAYBOOK.md'), 'bench\n');
  return dir;
}

async function inProcess(lib, dir) {
  const env = envFor(dir);
  const paths = lib.paths.resolvePaths(env, dir);
  const ctx = { paths, env, now: () => new Date(), warn: () => {}, bin: BIN };
  const log = lib.createLog({ format: 'json', color: false, write: () => {}, now: ctx.now });
  const deps = { ctx, log, env, cwd: dir, json: true, sessionTtlS: 259200 };
  return { ctx, deps, beat: (force) => lib.runBeat(deps, force) };
}

function msOf(cmd, args, opts) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, opts);
  if (r.status !== 0) throw new Error(`bench: ${cmd} exited ${r.status}`);
  return performance.now() - t0;
}

async function timeBeats(beat, force, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await beat(force);
    out.push(performance.now() - t0);
    if (force !== r.decidedOrFailed) throw new Error(`bench: a ${force ? 'forced' : 'skipping'} beat ${r.decidedOrFailed ? 'decided' : 'did not decide'}`);
  }
  return percentile(out, 50);
}

async function beatFigures(log) {
  const lib = await import('../../dist/lib.mjs');
  const dir = setup('beat', DECIDE_NOW);
  fs.mkdirSync(path.join(dir, 'sensors'), { recursive: true });
  for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(dir, 'sensors', `s${i}.sh`), SENSOR, { mode: 0o755 });
  const { deps, beat } = await inProcess(lib, dir);
  await beat(true); // commits the world, so the next beats skip
  const skip = await timeBeats(beat, false, BEATS);
  const sensorAlone = percentile(Array.from({ length: BEATS }, () => msOf(path.join(dir, 'sensors', 's0.sh'), [], { cwd: dir, stdio: 'ignore' })), 50);
  const decide = await timeBeats(beat, true, BEATS);
  const runnerAlone = percentile(Array.from({ length: BEATS }, () => msOf('bash', ['-c', `{ ${DECIDE_NOW}\n} 2>&1`], { cwd: dir, stdio: 'ignore' })), 50);
  fs.rmSync(path.join(dir, '.decision.json'), { force: true });
  log(`beat: skipping ${round(skip)} ms (slowest sensor alone ${round(sensorAlone)} ms); deciding ${round(decide)} ms (runner alone ${round(runnerAlone)} ms)`);
  void deps;
  const beatOverhead = round(Math.max(0, skip - sensorAlone));
  const decideOverhead = round(Math.max(0, decide - skip - runnerAlone));
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    beat_overhead_ms: { value: beatOverhead, target: 50, unit: ' ms', ok: beatOverhead <= 50, baseline: round(sensorAlone), ratio_note: 'slowest sensor alone' },
    decide_overhead_ms: { value: decideOverhead, target: 100, unit: ' ms', ok: decideOverhead <= 100, baseline: round(runnerAlone), ratio_note: 'runner alone' },
  };
}

async function editFigure(log) {
  const marker = 'started.txt';
  // The runner notes its own start (bash's clock, no extra process), then decides noop.
  const dir = setup('edit', `echo "$EPOCHREALTIME" >> ${marker}; ${DECIDE_NOW}`);
  const pulse = spawn(process.execPath, [BIN, 'pulse'], { env: envFor(dir, { LOOOP_LOG_FORMAT: 'json' }), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  pulse.stdout.on('data', (d) => (out += d));
  const starts = () => (fs.existsSync(path.join(dir, marker)) ? fs.readFileSync(path.join(dir, marker), 'utf8').split('\n').filter(Boolean).map((s) => Number(s) * 1000) : []);
  const sleeps = () => (out.match(/"event":"sleep"/g) ?? []).length;
  const lat = [];
  const due = [];
  try {
    await until(() => sleeps() >= 1, dir, 30_000, 'the pulse to finish its first beat and sleep');
    for (let i = 0; i < EDITS; i++) {
      const before = starts().length;
      const sleptBefore = sleeps();
      const t0 = performance.timeOrigin + performance.now();
      fs.writeFileSync(path.join(dir, 'goals', `g${i}.md`), `goal ${i}\n`);
      await until(() => starts().length > before, dir, 30_000, `the runner to start after goal g${i}`);
      lat.push(starts()[before] - t0);
      await until(() => sleeps() > sleptBefore, dir, 30_000, 'the pulse to sleep again');
    }
    // One-shot schedules written straight into schedules/ (as a human or tool would), due
    // at the next whole second but one: the runner must start within a second of that.
    fs.mkdirSync(path.join(dir, 'schedules'), { recursive: true });
    for (let i = 0; i < SCHEDULES; i++) {
      const before = starts().length;
      const sleptBefore = sleeps();
      const at = Math.ceil(Date.now() / 1000) + 1;
      fs.writeFileSync(path.join(dir, 'schedules', `s${i}.json`), `${JSON.stringify({ v: 1, at })}\n`);
      await until(() => starts().length > before, dir, 30_000, `the runner to start when schedule s${i} falls due`);
      due.push(starts()[before] - at * 1000);
      await until(() => sleeps() > sleptBefore, dir, 30_000, 'the pulse to sleep again');
    }
  } finally {
    pulse.kill('SIGTERM');
    await new Promise((r) => pulse.on('close', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const p50 = round(percentile(lat, 50));
  log(`goal edit → runner start: p50 ${p50} ms, max ${round(Math.max(...lat))} ms over ${lat.length} edits`);
  const dueP50 = round(percentile(due, 50));
  log(`schedule due → runner start: p50 ${dueP50} ms, max ${round(Math.max(...due))} ms over ${due.length} schedules (never before the due time: min ${round(Math.min(...due))} ms)`);
  return {
    goal_edit_to_decide_ms: { value: p50, target: 1000, unit: ' ms', ok: Math.max(...lat) <= 1000, baseline: 30000, ratio_note: 'fixed 60 s interval, mean wait' },
    schedule_due_to_decide_ms: { value: dueP50, target: 1000, unit: ' ms', ok: Math.max(...due) <= 1000 && Math.min(...due) >= 0, baseline: 30000, ratio_note: 'fixed 60 s interval, mean wait' },
  };
}

export async function measure({ log }) {
  return { ...(await beatFigures(log)), ...(await editFigure(log)) };
}
