// `looop cost [today|all] [--json]` and `looop cost session <id> <runner> <usd>`: the
// output shapes of reference §8.20, the seed's `_` form, and one clear line for bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { looopAsync, tempDataDir } from './helpers.mjs';

test('cost: nothing recorded yet names the ledger; --json is an empty array', async (t) => {
  const dir = tempDataDir(t, 'cost-cli-empty');
  const [r, j] = await Promise.all([looopAsync(dir, ['cost']), looopAsync(dir, ['cost', 'today', '--json'])]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `looop: no LLM cost recorded yet.\n  ledger: ${path.join(dir, 'cost.jsonl')}  (the pulse writes it after each decide; workers with \`looop cost session <id> <runner> <usd>\`)\n`);
  assert.deepEqual(JSON.parse(j.stdout), []);
  assert.equal(fs.existsSync(path.join(dir, 'cost.jsonl')), false, 'reading creates nothing');
});

test('cost session records a row (also as `_ cost session`); totals by kind and runner, today and all time', async (t) => {
  const dir = tempDataDir(t, 'cost-cli');
  const a = await looopAsync(dir, ['cost', 'session', 'w1', 'claude', '0.12345']);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, 'looop: recorded $0.1235 for session w1 (claude)\n');
  assert.equal((await looopAsync(dir, ['_', 'cost', 'session', 'w2', 'pi', '1.5'])).code, 0);
  const zero = await looopAsync(dir, ['cost', 'session', 'w3', 'pi', '0']);
  assert.equal(zero.code, 0);
  assert.match(zero.stdout, /nothing recorded for w3: \$0 is no spend/);
  // An old row from upstream's ledger (cost_usd), two days ago.
  const old = new Date(Date.now() - 2 * 86400_000).toISOString();
  fs.appendFileSync(path.join(dir, 'cost.jsonl'), `${JSON.stringify({ ts: old, kind: 'tick', id: 'r0', runner: 'pi', cost_usd: 10 })}\n`);

  const [all, today, json] = await Promise.all([looopAsync(dir, ['cost']), looopAsync(dir, ['cost', 'today']), looopAsync(dir, ['cost', 'all', '--json'])]);
  assert.equal(all.stdout, ['looop cost — all time', '  total: $11.6235  (3 calls)', '  by kind:', '    session: $1.6235', '    tick: $10', '  by runner:', '    claude: $0.1235', '    pi: $11.5', ''].join('\n'));
  assert.match(today.stdout, /^looop cost — today \(\d{4}-\d\d-\d\d local\)\n {2}total: \$1\.6235 {2}\(2 calls\)\n {2}by kind:\n {4}session: \$1\.6235\n/);
  const rows = JSON.parse(json.stdout);
  assert.equal(rows.length, 3);
  assert.deepEqual(Object.keys(rows[0]), ['ts', 'kind', 'id', 'runner', 'usd']);
  assert.deepEqual(rows.map((r) => [r.id, r.usd]), [['w1', 0.12345], ['w2', 1.5], ['r0', 10]]);
  assert.match(rows[0].ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('cost: bad input is one line and the usage, exit 1; nothing is written', async (t) => {
  const dir = tempDataDir(t, 'cost-cli-bad');
  const cases = [
    [['cost', 'yesterday'], /^looop: cost: unknown period `yesterday` \(today or all/m, /usage: looop cost \[today\|all\] \[--json\]/],
    [['cost', 'session', 'w1', 'claude', 'lots'], /^looop: cost session: "lots" is not an amount in US dollars/m, /usage: looop cost session <id> <runner> <usd>/],
    [['cost', 'session', 'w1', 'claude', '-0.5'], /"-0\.5" is not an amount in US dollars/, /usage: looop cost session/],
    [['cost', 'session', '../x', 'claude', '1'], /^looop: invalid session id "\.\.\/x": it contains a path separator/m, /ids are one path segment/],
    [['cost', 'session', 'w1', 'claude'], /^looop: cost session: missing <usd>/m, /usage: looop cost session <id> <runner> <usd>/],
  ];
  const rs = await Promise.all(cases.map(([args]) => looopAsync(dir, args)));
  rs.forEach((r, i) => {
    const [args, first, second] = cases[i];
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, first, args.join(' '));
    assert.match(r.stderr, second, args.join(' '));
    assert.equal(r.stdout, '');
  });
  assert.equal(fs.existsSync(path.join(dir, 'cost.jsonl')), false);
  const help = await looopAsync(dir, ['help', 'cost']);
  assert.match(help.stdout, /cost \[period\] .*\n {2}cost session <id> <runner> <usd> /);
});
