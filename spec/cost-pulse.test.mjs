// Spend through the beat: a fake runner that reports its cost (fixtures/runners/costly.mjs)
// in claude, pi or a custom shape is metered into cost.jsonl; the daily budget breaker
// idles a real `looop pulse` (no runner call, a `tick.budget` line saying why and when
// it resets, a `budget` hold in `state`); an unmetered runner opens it after three runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createLog, paths, runBeat } from '../dist/lib.mjs';
import { BIN, FIXTURES, looop, tempDataDir } from './helpers.mjs';
import { calls, isEvent, logEvents, scriptedPulseDir, startPulse, waitEvent } from './pulse-helpers.mjs';

const COSTLY = path.join(FIXTURES, 'runners', 'costly.mjs');
const costly = (style, usd) => `node '${COSTLY}' ${style} ${usd}`;

function ledger(dir) {
  try {
    return fs.readFileSync(path.join(dir, 'cost.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

function setupDir(t, label, config) {
  const dir = tempDataDir(t, label);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ worker_command: 'cat {{prompt_file}}', interval: 3600, ...config }));
  fs.writeFileSync(path.join(dir, 'PLAYBOOK.md'), 'cost tests\n');
  return dir;
}

/** One beat in-process (forced: it decides over an unchanged world), with its log events. */
async function beatOnce(dir, env = {}) {
  const events = [];
  const fullEnv = { ...process.env, LOOOP_DATA_DIR: dir, ...env };
  const ctx = { paths: paths.resolvePaths(fullEnv, dir), env: fullEnv, now: () => new Date(), warn: () => {}, bin: BIN };
  const log = createLog({ format: 'json', color: false, write: (s) => events.push(...s.split('\n').filter(Boolean).map((l) => JSON.parse(l))), now: ctx.now });
  const r = await runBeat({ ctx, log, env: fullEnv, cwd: dir, json: true, sessionTtlS: 259200 }, true);
  return { r, events };
}

test('cost: a claude-style runner is metered into a tick row; at the budget a real pulse idles the next beat, says why, and state shows it', async (t) => {
  const dir = setupDir(t, 'cost-breaker', { tick_command: costly('claude', 0.75), max_daily_usd: 0.5 });
  const p = startPulse(t, dir);
  const decided = await waitEvent(p, isEvent('tick.decided'), 'the first (forced) decide');
  assert.equal(decided.cost_usd, 0.75, 'the last result event wins');
  assert.match(decided.msg, /· \$0\.75$/);
  const rows = ledger(dir);
  assert.equal(rows.length, 1);
  assert.deepEqual({ ...rows[0], ts: undefined }, { ts: undefined, kind: 'tick', id: decided.run_id, runner: 'node', usd: 0.75 });

  await waitEvent(p, isEvent('sleep'), 'the pulse to sleep');
  assert.equal(looop(dir, ['goal', 'write', 'more', 'a change in the world']).code, 0);
  const held = await waitEvent(p, isEvent('tick.budget'), 'the breaker to idle the beat after the goal edit');
  assert.equal(held.level, 'warn');
  assert.equal(held.spent_usd, 0.75);
  assert.equal(held.max_daily_usd, 0.5);
  assert.match(held.msg, /daily budget reached \(\$0\.75 ≥ \$0\.50\) — skipping AI until local midnight \(in ~/);
  assert.equal(logEvents(p).filter(isEvent('tick.decided')).length, 1, 'no second decide');
  assert.equal(ledger(dir).length, 1, 'no extra spend');

  const state = JSON.parse(looop(dir, ['state', '--json']).stdout);
  const budget = state.held_back.find((h) => h.kind === 'budget');
  assert.ok(budget !== undefined, JSON.stringify(state.held_back));
  assert.equal(budget.why, 'spent');
  assert.equal(budget.spent_usd, 0.75);
  assert.equal(budget.max_usd, 0.5);
  assert.ok(budget.retry_in_s > 0 && budget.retry_in_s <= 86400);
  assert.match(looop(dir, ['state']).stdout, /⏸ daily budget spent \(\$0\.75 of \$0\.50\): no AI calls until local midnight/);

  const report = looop(dir, ['cost', 'today']);
  assert.match(report.stdout, /^looop cost — today \(\d{4}-\d\d-\d\d local\)\n {2}total: \$0\.75 {2}\(1 call\)\n {2}by kind:\n {4}tick: \$0\.75\n {2}by runner:\n {4}node: \$0\.75\n$/);
});

test('cost: a corrupt ledger row that may be today’s fails closed: the forced beat never calls the runner, and the file is named once', async (t) => {
  const dir = tempDataDir(t, 'cost-corrupt');
  const queue = scriptedPulseDir(dir, {}, { max_daily_usd: 5 });
  const file = path.join(dir, 'cost.jsonl');
  fs.writeFileSync(file, `${JSON.stringify({ ts: new Date().toISOString(), kind: 'session', id: 'w1', runner: 'pi', usd: 1 })}\n{"ts": torn\n`);
  const p = startPulse(t, dir);
  const held = await waitEvent(p, isEvent('tick.budget'), 'the breaker to hold the first beat');
  assert.match(held.msg, /cost\.jsonl has row\(s\) that cannot be read and may be today's spend \(\$1\.00 readable\) — counted as spent/);
  await waitEvent(p, isEvent('sleep'), 'the pulse to sleep');
  assert.equal(looop(dir, ['goal', 'write', 'g', 'wake it']).code, 0);
  await waitEvent(p, isEvent('tick.budget'), 'the second beat held too', 2);
  const named = logEvents(p).filter((e) => e.event === 'tick.guard_degraded' && e.msg.includes(file));
  assert.equal(named.length, 1, `one line naming the file: ${JSON.stringify(named)}`);
  assert.match(named[0].msg, /1 row among today's is not a spend record and may be today’s spend — fix or delete the bad lines/);
  assert.deepEqual(calls(queue), [], 'no AI call');

  const c = looop(dir, ['cost']);
  assert.equal(c.code, 0);
  assert.match(c.stderr, new RegExp(`looop: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: skipped 1 row`));
  assert.match(c.stdout, /total: \$1 {2}\(1 call\)/);
});

test('cost: pi-style and cost-spec runners are metered; an unmetered runner under a set budget opens the breaker after three runs', async (t) => {
  const pi = setupDir(t, 'cost-pi', { tick_command: costly('pi', 0.5) });
  const a = await beatOnce(pi);
  assert.equal(a.r.decidedOrFailed, true);
  assert.deepEqual(ledger(pi).map((r) => [r.kind, r.runner, r.usd]), [['tick', 'node', 0.5]]);

  const custom = setupDir(t, 'cost-custom', { tick_command: costly('custom', 0.25), cost: { type: 'spend', pointer: '/cost/usd', mode: 'sum' } });
  await beatOnce(custom);
  assert.deepEqual(ledger(custom).map((r) => r.usd), [0.25], 'only events of the spec type, summed');

  const none = setupDir(t, 'cost-none', { tick_command: costly('none', 0), max_daily_usd: 5 });
  for (let i = 1; i <= 3; i++) {
    const { r, events } = await beatOnce(none);
    assert.equal(r.decidedOrFailed, true, `run ${i} decides`);
    const warn = events.find(isEvent('tick.unmetered'));
    assert.ok(warn !== undefined, `run ${i} warns: ${events.map((e) => e.event).join(', ')}`);
    assert.equal(warn.count, i);
    assert.match(warn.msg, i < 3 ? new RegExp(`${i}/3 before the breaker opens`) : /breaker now open/);
  }
  const fourth = await beatOnce(none);
  assert.equal(fourth.r.decidedOrFailed, false, 'the fourth beat makes no AI call');
  const held = fourth.events.find(isEvent('tick.budget_unmetered'));
  assert.ok(held !== undefined, fourth.events.map((e) => e.event).join(', '));
  assert.match(held.msg, /runner 'node' produced no cost for 3 runs in a row and a budget is set — skipping AI/);
  const state = JSON.parse(looop(none, ['state', '--json']).stdout);
  assert.deepEqual(state.held_back.find((h) => h.kind === 'budget'), { kind: 'budget', why: 'unmetered', runner: 'node', unmetered_runs: 3, max_usd: 5 });

  // Without a budget anyone set (the built-in default), the same runner keeps deciding.
  const free = setupDir(t, 'cost-free', { tick_command: costly('none', 0) });
  for (let i = 0; i < 4; i++) assert.equal((await beatOnce(free)).r.decidedOrFailed, true);
  assert.equal(fs.existsSync(path.join(free, '.cost-unmetered')), false);
});
