// guard_check_ms: every guard the pulse consults before a decide, evaluated over a
// lived-in data dir — 1,000 journal lines, 10,000 cost.jsonl rows, 100 schedules, a
// decide ledger near its cap, a backoff record, a flap ledger. What is timed is the
// read-only report `state` shows (guardReport: backoff, cap, flapping, nudge, noop
// TTL, budget) plus the budget breaker and the next schedule due, as a beat asks them.
import fs from 'node:fs';
import path from 'node:path';
import { BIN, percentile, round, tmpDir } from '../lib.mjs';

export const keys = ['guard_check_ms'];

const RUNS = Number(process.env.LOOOP_BENCH_GUARD_RUNS ?? 30);
const TARGET_MS = 20;

export function populate(lib, dir) {
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ tick_command: 'claude -p', worker_command: 'cat {{prompt_file}}', max_daily_usd: 100000 }));
  fs.writeFileSync(path.join(dir, 'PLAYBOOK.md'), 'bench\n');
  fs.mkdirSync(path.join(dir, 'goals'), { recursive: true });
  for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dir, 'goals', `g${i}.md`), `goal ${i}\n`);
  const now = Date.now();
  fs.writeFileSync(path.join(dir, 'journal.md'), Array.from({ length: 1000 }, (_, i) => `- ${new Date(now - (1000 - i) * 60_000).toISOString()} noop · bench line ${i}\n`).join(''));
  const rows = [];
  for (let i = 0; i < 10_000; i++) {
    // Spread over the last ten days, oldest first, as a ledger grows.
    const ts = `${new Date(now - (10_000 - i) * 86_400).toISOString().slice(0, 19)}Z`;
    rows.push(JSON.stringify({ ts, kind: i % 4 === 0 ? 'session' : 'tick', id: `r${i}`, runner: i % 3 === 0 ? 'pi' : 'claude', usd: 0.0123 }));
  }
  fs.writeFileSync(path.join(dir, 'cost.jsonl'), `${rows.join('\n')}\n`);
  const nowS = Math.floor(now / 1000);
  fs.writeFileSync(path.join(dir, '.decide-ledger.json'), JSON.stringify({ v: 1, ts: Array.from({ length: 100 }, (_, i) => nowS - 3000 + i * 30) }));
  const ctx = { paths: lib.paths.resolvePaths({ LOOOP_DATA_DIR: dir }, dir), env: { LOOOP_DATA_DIR: dir }, now: () => new Date(), warn: () => {}, bin: BIN };
  for (let i = 0; i < 100; i++) lib.writeSchedule(ctx, i % 2 === 0 ? { name: `once-${i}`, inS: 3600 + i } : { name: `every-${i}`, everyS: 600 + i });
  return ctx;
}

export async function measure({ log }) {
  const lib = await import('../../dist/lib.mjs');
  const dir = tmpDir('guards');
  try {
    const ctx = populate(lib, dir);
    const config = lib.config.loadConfig(ctx.paths);
    const once = () => {
      const now = new Date();
      const report = lib.guards.guardReport(ctx, now, { config });
      const budget = lib.cost.budgetGate(ctx, now, config);
      const due = lib.nextScheduleDueMs(ctx, now.getTime());
      if (budget.kind !== 'open' || report.problems.length > 0 || due === null) throw new Error(`bench: unexpected guard state ${JSON.stringify({ budget, problems: report.problems, due })}`);
    };
    once(); // warm: module code, file cache
    const ms = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      once();
      ms.push(performance.now() - t0);
    }
    const p50 = round(percentile(ms, 50));
    log(`guards: p50 ${p50} ms, max ${round(Math.max(...ms))} ms over ${RUNS} evaluations (1,000 journal lines, 10,000 cost rows, 100 schedules)`);
    return { guard_check_ms: { value: p50, target: TARGET_MS, unit: ' ms', ok: p50 <= TARGET_MS } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
