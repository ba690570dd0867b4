// `looop watch` in a real terminal (tmux): how long from a new ask's record landing in
// asks/ to its id on the watch screen (watch_redraw_ms), and what watch costs while
// nothing happens (watch_idle_cpu_pct: it redraws on file events, not on a poll).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, envFor, idleCost, percentile, round, tmpDir, until } from '../lib.mjs';
import { killEverything } from '../../spec/sessions-helpers.mjs';

export const keys = ['watch_redraw_ms', 'watch_idle_cpu_pct'];

const ROUNDS = Number(process.env.LOOOP_BENCH_WATCH_ROUNDS ?? 20);
const TARGET_MS = 100;
const IDLE_SECS = 5;

export async function measure({ log }) {
  if (spawnSync('tmux', ['-V']).status !== 0) {
    log('watch: tmux is not installed — skipped');
    return {};
  }
  const dir = tmpDir('watch');
  const sock = `looop-bench-watch-${process.pid}`;
  const tmux = (...a) => spawnSync('tmux', ['-L', sock, ...a], { encoding: 'utf8' });
  const pane = () => tmux('capture-pane', '-p', '-t', 'main').stdout ?? '';
  const pidFile = path.join(dir, '.watch-pid');
  const askers = [];
  try {
    fs.mkdirSync(path.join(dir, 'asks'), { recursive: true });
    // A quiet live worker, selected: watch shows its screen, and must not wake while it is silent.
    const started = spawnSync(process.execPath, [BIN, 'worker', 'start', 'idle', 'x', '--command', 'echo idle-worker; read -r _ # {{prompt_file}}'], { env: envFor(dir), encoding: 'utf8' });
    if (started.status !== 0) throw new Error(`bench: worker start: ${started.stderr}`);
    const env = Object.entries(envFor(dir)).filter(([k]) => /^(LOOOP_|PATH$|HOME$|NO_COLOR$)/.test(k)).map(([k, v]) => `${k}='${v}'`).join(' ');
    tmux('-f', '/dev/null', 'new-session', '-d', '-x', '100', '-y', '30', '-s', 'main', `env -u TMUX ${env} sh -c 'echo $$ > ${pidFile}; exec "${process.execPath}" "${BIN}" watch idle'`);
    await until(() => /^> idle/m.test(pane()) && pane().includes('idle-worker'), dir, 20_000, 'the watch screen with the idle worker selected');
    const watchPid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    const samples = [];
    for (let n = 1; n <= ROUNDS; n++) {
      const id = `bw-${n}`;
      const file = path.join(dir, 'asks', `${id}.json`);
      const asker = spawn(process.execPath, [BIN, 'ask', 'bw', '--prompt', `round ${n}`], { env: envFor(dir), stdio: 'ignore' });
      askers.push(asker);
      // t0: the record is in asks/ (seen through inotify here, as watch sees it).
      const t0 = await until(() => fs.existsSync(file) && performance.now(), path.join(dir, 'asks'), 10_000, `${file}`);
      await until(() => pane().includes(id) && performance.now(), dir, 10_000, `${id} on the watch screen`).then((t1) => samples.push(t1 - t0));
      // Its asker gone, the ask is stranded, not pending: it leaves the screen before the next round.
      asker.kill('SIGKILL');
      await until(() => !pane().includes(id), dir, 10_000, `${id} to leave the watch screen`);
    }
    const p50 = percentile(samples, 50);
    log(`watch: redraw p50 ${round(p50)} ms, p90 ${round(percentile(samples, 90))} ms over ${samples.length} asks`);
    const [idle] = await idleCost([watchPid], IDLE_SECS * 1000);
    return {
      watch_redraw_ms: { value: round(p50), target: TARGET_MS, unit: ' ms', ok: p50 <= TARGET_MS, ratio_note: `p50 of ${samples.length}; ask record in asks/ → its id in tmux capture-pane` },
      watch_idle_cpu_pct: { value: round(idle.cpuPct, 2), target: 1, unit: ' %', ok: idle.cpuPct <= 1, ratio_note: `${round(idle.wakeupsPerS, 1)} wake-ups/s over ${IDLE_SECS} s, a quiet worker selected` },
    };
  } finally {
    for (const a of askers) if (a.exitCode === null && a.signalCode === null) a.kill('SIGKILL');
    tmux('kill-server');
    killEverything(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
