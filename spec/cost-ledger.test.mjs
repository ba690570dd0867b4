// The spend ledger and the daily budget breaker (reference §8.20), in-process with a
// fake clock and real files: rows in, totals out by local date, corrupt rows skipped
// and counted, the breaker fail-closed where a bad row may be today's spend, and the
// unmetered rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { cost, paths } from '../dist/lib.mjs';
import { tempDataDir } from './helpers.mjs';

const CONFIG = { maxDailyUsd: null, cost: null, tickCommand: 'mydecider --go', workerCommand: 'x {{prompt_file}}' };

function setup(t, env = {}) {
  const dir = tempDataDir(t, 'cost');
  const warnings = [];
  const ctx = { paths: paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/'), env, now: () => new Date(), warn: (k, m) => warnings.push([k, m]), bin: 'looop' };
  const file = path.join(dir, 'cost.jsonl');
  const write = (rows) => fs.writeFileSync(file, rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return { dir, ctx, file, warnings, write };
}

/** Runs `fn` with the process in time zone `tz` (node re-reads TZ when it is assigned). */
function inZone(t, tz, fn) {
  const before = process.env.TZ;
  process.env.TZ = tz;
  t.after(() => {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  });
  return fn();
}

test('USD formatting: 4 decimals, no trailing zeros, no negative zero', () => {
  const table = [[0, '$0'], [1.5, '$1.5'], [0.12345, '$0.1235'], [0.00004, '$0'], [12.34, '$12.34'], [-0.00001, '$0'], [3, '$3'], [100.10001, '$100.1']];
  for (const [n, s] of table) assert.equal(cost.formatUsd(n), s, `formatUsd(${n})`);
  assert.equal(cost.parseUsd('0.42'), 0.42);
  assert.equal(cost.parseUsd(' 1e-3 '), 0.001);
  for (const bad of ['', 'abc', '-1', '0x10', '1,5', 'NaN', 'Infinity']) assert.equal(cost.parseUsd(bad), null, bad);
});

test('appendCost writes one row per positive spend and drops zero, negative and NaN', (t) => {
  const { ctx, file } = setup(t);
  const now = Date.parse('2026-12-01T12:00:00Z');
  assert.equal(cost.appendCost(ctx, { kind: 'tick', id: 'r1', runner: 'claude', usd: 0.1234567 }, now), true);
  for (const usd of [0, -1, NaN, Infinity, 0.0000001]) assert.equal(cost.appendCost(ctx, { kind: 'tick', id: 'x', runner: 'claude', usd }, now), false, String(usd));
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0]), { ts: '2026-12-01T12:00:00Z', kind: 'tick', id: 'r1', runner: 'claude', usd: 0.123457 });
  assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
});

test('today is the LOCAL date of now; totals by kind and by runner; rows dated after now count as today', (t) => {
  const { ctx, write } = setup(t);
  inZone(t, 'America/New_York', () => {
    const now = Date.parse('2026-12-01T03:00:00Z'); // 22:00 on 30 Nov in New York
    write([
      { ts: '2026-11-30T04:00:00Z', kind: 'tick', id: 'a', runner: 'claude', usd: 5 }, // 29 Nov local: yesterday
      { ts: '2026-11-30T12:00:00Z', kind: 'tick', id: 'b', runner: 'claude', usd: 0.25 }, // 30 Nov local (the UTC date is another day)
      { ts: '2026-12-01T01:00:00Z', kind: 'session', id: 'w1', runner: 'pi', usd: 0.5 },
      { ts: '2026-12-02T01:00:00Z', kind: 'tick', id: 'c', runner: 'claude', usd: 1 }, // after now: the clock moved back
      { ts: '2026-12-01T02:00:00Z', kind: 'tick', id: 'd', cost_usd: 0.125 }, // upstream's field, no runner
    ]);
    const today = cost.costSummary(ctx, 'today', now);
    assert.equal(today.day, '2026-11-30');
    assert.equal(today.calls, 4);
    assert.equal(today.totalUsd, 1.875);
    assert.deepEqual(today.byKind, [['session', 0.5], ['tick', 1.375]]);
    assert.deepEqual(today.byRunner, [['?', 0.125], ['claude', 1.25], ['pi', 0.5]]);
    assert.equal(today.problem, null);
    const all = cost.costSummary(ctx, 'all', now);
    assert.equal(all.calls, 5);
    assert.equal(all.totalUsd, 6.875);
  });
});

test('corrupt rows are skipped and counted in one line naming the file; the breaker fails closed only where one may be today’s', (t) => {
  const { ctx, file, write } = setup(t, { LOOOP_MAX_DAILY_USD: '5' });
  const now = new Date(2026, 11, 1, 15, 0, 0).getTime(); // local 1 Dec 15:00
  const yesterday = new Date(2026, 10, 30, 12).toISOString();
  const earlier = new Date(2026, 11, 1, 9).toISOString();
  const good = (ts, usd) => ({ ts, kind: 'tick', id: 'r', runner: 'claude', usd });

  // A bad row followed by a row from before today is older than today: counted, not feared.
  write([good(yesterday, 1), '{"ts": "oops', good(yesterday, 1), good(earlier, 1)]);
  let s = cost.costSummary(ctx, 'all', now);
  assert.equal(s.calls, 3);
  assert.match(s.problem, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: skipped 1 row that is not a spend record \\(first at line 2\\)`));
  let g = cost.budgetGate(ctx, now, CONFIG);
  assert.equal(g.kind, 'open', JSON.stringify(g));
  assert.equal(g.spentUsd, 1);

  // A bad row after today's rows may be today's spend: counted as spent.
  write([good(yesterday, 1), good(earlier, 1), 'not json at all', '[1,2]', '{"ts":"2026-12-01T10:00:00Z","usd":-3}']);
  g = cost.budgetGate(ctx, now, CONFIG);
  assert.equal(g.kind, 'spent');
  assert.equal(g.unknownRows, 3);
  assert.equal(g.spentUsd, 1);
  assert.match(g.problem, /cost\.jsonl: 3 rows among today's are not spend records and may be today’s spend — fix or delete the bad lines/);
  assert.match(cost.costSummary(ctx, 'all', now).problem, /skipped 3 rows that are not spend records \(first at line 3\), which may be today’s spend/, '`looop cost` says where');

  // The same file last written before today: nothing in it is today's.
  fs.utimesSync(file, new Date(yesterday), new Date(yesterday));
  assert.equal(cost.budgetGate(ctx, now, CONFIG).kind, 'open');

  // An unreadable ledger (a directory by that name) is spent, naming it.
  fs.rmSync(file);
  fs.mkdirSync(file);
  g = cost.budgetGate(ctx, now, CONFIG);
  assert.equal(g.kind, 'spent');
  assert.match(g.problem, /cost\.jsonl is not a regular file — today's spend cannot be counted/);
});

test('the breaker: spent at the budget until local midnight; env beats config; ≤ 0 turns it off; a day later it is open again', (t) => {
  const { ctx, write, warnings } = setup(t);
  const now = new Date(2026, 11, 1, 18, 0, 0).getTime();
  write([{ ts: new Date(2026, 11, 1, 10).toISOString(), kind: 'tick', id: 'r', runner: 'claude', usd: 2 }]);
  assert.equal(cost.budgetGate(ctx, now, CONFIG).kind, 'open', 'the default budget is 10 USD');
  const g = cost.budgetGate(ctx, now, { ...CONFIG, maxDailyUsd: 2 });
  assert.deepEqual({ ...g, problem: undefined }, { kind: 'spent', spentUsd: 2, maxUsd: 2, unknownRows: 0, retryInS: 6 * 3600, problem: undefined });
  assert.equal(cost.budgetGate(ctx, now, { ...CONFIG, maxDailyUsd: 0 }).kind, 'open', '0 turns the breaker off');
  assert.equal(cost.budgetGate({ ...ctx, env: { LOOOP_MAX_DAILY_USD: '3' } }, now, { ...CONFIG, maxDailyUsd: 2 }).kind, 'open', 'the env wins over the config');
  assert.equal(cost.budgetGate({ ...ctx, env: { LOOOP_MAX_DAILY_USD: '-1' } }, now, { ...CONFIG, maxDailyUsd: 2 }).kind, 'open', 'a negative env budget turns it off');
  assert.equal(cost.budgetGate({ ...ctx, env: { LOOOP_MAX_DAILY_USD: 'lots' } }, now, { ...CONFIG, maxDailyUsd: 2 }).kind, 'spent', 'a bad env value is ignored');
  assert.match(warnings.at(-1)[1], /LOOOP_MAX_DAILY_USD="lots"/);
  // The clock jumps a day forward: a new day, open; back again: the old day's spend counts.
  assert.equal(cost.budgetGate(ctx, now + 86400_000, { ...CONFIG, maxDailyUsd: 2 }).kind, 'open');
  assert.equal(cost.budgetGate(ctx, now - 86400_000, { ...CONFIG, maxDailyUsd: 2 }).kind, 'spent', 'spend dated after now still counts (it happened)');
});

test('unmetered: three successful runs with no cost row under a set budget open the breaker; a metered run or a new signature closes it', (t) => {
  const { ctx, dir } = setup(t);
  const now = new Date(2026, 11, 1, 12).getTime();
  const budget = { ...CONFIG, maxDailyUsd: 5 };
  for (let i = 1; i <= 3; i++) {
    assert.equal(cost.budgetGate(ctx, now, budget).kind, 'open', `before run ${i}`);
    const r = cost.settleTickCost(ctx, now, { runId: `r${i}`, usd: 0, ok: true }, budget);
    assert.deepEqual(r.unmetered, { runner: 'mydecider', count: i });
  }
  assert.deepEqual({ ...cost.budgetGate(ctx, now, budget), problem: null }, { kind: 'unmetered', runner: 'mydecider', count: 3, maxUsd: 5, problem: null });
  assert.equal(cost.budgetGate(ctx, now, CONFIG).kind, 'open', 'the default budget never trips the unmetered rule');
  assert.equal(cost.budgetGate(ctx, now, { ...budget, cost: cost.parseCostSpec({ type: 't', pointer: '/usd' }).spec }).kind, 'open', 'declaring a cost spec starts the count over');
  // A failed run does not count; a metered one clears the record.
  assert.equal(cost.settleTickCost(ctx, now, { runId: 'r4', usd: 0, ok: false }, budget).unmetered, null);
  assert.equal(cost.settleTickCost(ctx, now, { runId: 'r5', usd: 0.01, ok: true }, budget).unmetered, null);
  assert.equal(fs.existsSync(path.join(dir, '.cost-unmetered')), false);
  // A corrupt record fails closed, naming the file.
  fs.writeFileSync(path.join(dir, '.cost-unmetered'), '{garbage');
  const g = cost.budgetGate(ctx, now, budget);
  assert.equal(g.kind, 'unmetered');
  assert.match(g.problem, /\.cost-unmetered is not valid JSON — failing closed/);
});

test('a ledger of 10,000 rows sums exactly; one bigger than the read bound is read from its tail and says so', (t) => {
  const { ctx, write } = setup(t);
  const now = new Date(2026, 11, 1, 12).getTime();
  const ts = new Date(2026, 11, 1, 11).toISOString();
  write(Array.from({ length: 10_000 }, (_, i) => ({ ts, kind: i % 2 === 0 ? 'tick' : 'session', id: `r${i}`, runner: i % 3 === 0 ? 'pi' : 'claude', usd: 0.5 })));
  const s = cost.costSummary(ctx, 'today', now);
  assert.equal(s.calls, 10_000);
  assert.equal(s.totalUsd, 5000);
  assert.deepEqual(s.byKind, [['session', 2500], ['tick', 2500]]);
  const today = cost.readToday(ctx, now);
  assert.deepEqual({ ...today, file: undefined }, { file: undefined, usd: 5000, rows: 10_000, unknownRows: 0, corrupt: 0, unreadable: null }, 'the backward scan reads every chunk of a day this busy');
  const tail = cost.readLedger(ctx, 1000);
  assert.equal(tail.cut, true);
  assert.ok(tail.rows.length > 0 && tail.rows.length < 20, `${tail.rows.length} rows in the last 1000 bytes`);
  assert.equal(tail.corruptAt.length, 0, 'the fragment before the first newline is dropped, not counted as corrupt');
  assert.match(cost.ledgerProblem(tail, now), /only its newest 16 MiB were read/);
  const cut = cost.readToday(ctx, now, 1000);
  assert.equal(cut.unknownRows, 1, 'today started before the part that was read: unknown, so spent');
  assert.ok(cut.rows > 0 && cut.rows < 20 && cut.corrupt === 0, JSON.stringify(cut));
  assert.match(cost.todayProblem(cut), /today’s rows run past the part of it that is read/);
});

test('the backward scan stops at the first row from before today, across chunks, and sees a torn last line', (t) => {
  const { ctx, write, file } = setup(t);
  const now = new Date(2026, 11, 1, 12).getTime();
  const old = new Date(2026, 10, 29, 11).toISOString();
  const today = new Date(2026, 11, 1, 11).toISOString();
  const row = (ts, usd) => ({ ts, kind: 'tick', id: 'x'.repeat(200), runner: 'claude', usd });
  // ~2,000 old rows, a corrupt one among them (old: a good old row follows it), then 1,000 of today's.
  write([...Array.from({ length: 1000 }, () => row(old, 1)), 'garbage', ...Array.from({ length: 1000 }, () => row(old, 1)), ...Array.from({ length: 1000 }, () => row(today, 0.5))]);
  assert.ok(fs.statSync(file).size > 4 * 64 * 1024, 'spans several chunks');
  assert.deepEqual({ ...cost.readToday(ctx, now), file: undefined }, { file: undefined, usd: 500, rows: 1000, unknownRows: 0, corrupt: 0, unreadable: null });
  fs.appendFileSync(file, '{"ts":"2026-12-01T11:');
  const torn = cost.readToday(ctx, now);
  assert.equal(torn.corrupt, 1);
  assert.equal(torn.unknownRows, 1);
});
