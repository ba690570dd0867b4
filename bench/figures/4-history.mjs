// Cost that must not grow with history: `ask` (to its record), `answer` and
// `asks --json` in a data dir holding 10,000 delivered asks and their answers,
// against the same verbs in an empty data dir.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, envFor, percentile, round, spawnTimed, tmpDir, until } from '../lib.mjs';

export const keys = ['history_10k_ratio'];

const HISTORY = Number(process.env.LOOOP_BENCH_HISTORY ?? 10_000);
const ROUNDS = Number(process.env.LOOOP_BENCH_HISTORY_ROUNDS ?? 21);
const WORKER = 'bench';

/**
 * Writes `n` delivered asks and their answers the way a looop without an archive left
 * them: flat in asks/ and answers/. The first verb that surveys the mailbox (the
 * untimed warm-up round) migrates them, as it would in a real upgraded data dir.
 */
function seedHistory(dataDir, n) {
  const asks = path.join(dataDir, 'asks');
  const answers = path.join(dataDir, 'answers');
  fs.mkdirSync(asks, { recursive: true, mode: 0o700 });
  fs.mkdirSync(answers, { recursive: true, mode: 0o700 });
  const ts = Math.floor(Date.now() / 1000) - 86_400;
  const at = new Date((ts + 60) * 1000).toISOString();
  for (let i = 1; i <= n; i++) {
    const id = `${WORKER}-${i}`;
    const record = {
      v: 1,
      machine: 'ask@1',
      rev: 3,
      state: 'delivered',
      context: {
        worker: WORKER,
        prompt: `question ${i}`,
        reference: null,
        options: [],
        ts,
        asker: { pid: 999_999, start: '1' },
        id,
        answer: { file: `answers/${id}.json`, at },
        deliveredAt: at,
        stranded: null,
      },
      snapshot: { status: 'done', historyValue: {}, children: {} },
      updatedAt: at,
    };
    fs.writeFileSync(path.join(asks, `${id}.json`), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    fs.writeFileSync(path.join(answers, `${id}.json`), `${JSON.stringify({ v: 1, answer: `answer ${i}`, ts: ts + 60 }, null, 2)}\n`, { mode: 0o600 });
  }
}

function timedRun(args, env) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench: looop ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

/** One ask → answer → asks cycle; returns the three times (ms). */
async function cycle(side) {
  const env = envFor(side.dir);
  const asksDir = path.join(side.dir, 'asks');
  const before = new Set(fs.readdirSync(asksDir));
  const t0 = performance.now();
  const p = spawnTimed(process.execPath, [BIN, 'ask', WORKER, '--prompt', 'history round'], env);
  const fresh = () => fs.readdirSync(asksDir).find((n) => n.startsWith(`${WORKER}-`) && n.endsWith('.json') && !before.has(n));
  const name = await until(fresh, asksDir, 30_000, `a new ask record in ${asksDir}`);
  const ask = performance.now() - t0;
  const id = name.slice(0, -'.json'.length);
  const answer = timedRun(['answer', id, 'ok'], env);
  const code = await p.exit;
  if (code !== 0 || p.out().trim() !== 'ok') throw new Error(`bench: ask ${id} printed ${JSON.stringify(p.out())} (exit ${code}) ${p.err()}`);
  const asks = timedRun(['asks', '--json'], env);
  return { ask, answer, asks };
}

export async function measure({ log }) {
  const empty = { dir: tmpDir('history-empty'), t: { ask: [], answer: [], asks: [] } };
  const full = { dir: tmpDir('history-10k'), t: { ask: [], answer: [], asks: [] } };
  try {
    log(`history: seeding ${HISTORY} delivered asks`);
    fs.mkdirSync(path.join(empty.dir, 'asks'), { recursive: true, mode: 0o700 });
    seedHistory(full.dir, HISTORY);
    // Untimed warm-up: migrates the seeded history and warms the page cache on both sides.
    for (const side of [empty, full]) await cycle(side);
    log(`history: ${ROUNDS} ask/answer/asks cycles in each data dir, interleaved`);
    for (let i = 0; i < ROUNDS; i++) {
      for (const side of [empty, full]) {
        const c = await cycle(side);
        for (const k of Object.keys(c)) side.t[k].push(c[k]);
      }
    }
    const med = (side, k) => percentile(side.t[k], 50);
    const ratios = Object.keys(empty.t).map((k) => ({ k, ratio: med(full, k) / med(empty, k) }));
    const worst = ratios.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    const note = ratios.map(({ k }) => `${k} ${round(med(full, k))}/${round(med(empty, k))} ms`).join(', ');
    return {
      history_10k_ratio: {
        value: round(worst.ratio, 2),
        target: 1.2,
        baseline: 1,
        ok: worst.ratio <= 1.2,
        ratio_note: `worst: ${worst.k}; 10k/empty: ${note}`,
      },
    };
  } finally {
    fs.rmSync(empty.dir, { recursive: true, force: true });
    fs.rmSync(full.dir, { recursive: true, force: true });
  }
}
