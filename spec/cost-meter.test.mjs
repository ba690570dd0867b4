// Metering the decider's own stream (reference §8.20): claude's `result` total (the
// last wins, over anything else), pi's `message_end` costs summed, and a config `cost`
// spec for any other runner; plus the config keys that declare the spec and the budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { config, cost, paths } from '../dist/lib.mjs';
import { looop, tempDataDir } from './helpers.mjs';

const feed = (meter, lines) => {
  for (const l of lines) meter.line(typeof l === 'string' ? l : JSON.stringify(l));
  return meter.total();
};

test('claude: the result event’s total_cost_usd, the last one winning, never added to a pi sum', () => {
  const m = cost.createMeter(null);
  const total = feed(m, [
    'plain text from the runner',
    '{not json',
    { type: 'result', total_cost_usd: 0.5 },
    { type: 'message_end', message: { usage: { cost: { total: 7 } } } },
    { type: 'assistant', total_cost_usd: 99 },
    { type: 'result', total_cost_usd: 0.75 },
    { type: 'result', total_cost_usd: 'oops' },
  ]);
  assert.equal(total, 0.75);
  assert.equal(feed(cost.createMeter(null), ['nothing here', { type: 'result' }]), 0, 'no cost reported is 0');
});

test('pi: the sum of the message_end events’ usage cost', () => {
  const m = cost.createMeter(null);
  const total = feed(m, [
    { type: 'message_start', message: { usage: { cost: { total: 5 } } } },
    { type: 'message_end', message: { usage: { cost: { total: 0.125 } } } },
    { type: 'message_end', message: { usage: { cost: { total: 0.25 } } } },
    { type: 'message_end', message: { usage: { cost: { total: -1 } } } },
    { type: 'message_end', message: {} },
  ]);
  assert.equal(total, 0.375);
});

test('a cost spec: only events of its type, the value at its JSON pointer, summed or the last one', () => {
  const sum = cost.parseCostSpec({ type: 'usage', pointer: '/cost/a~1b/0' });
  assert.equal(sum.kind, 'ok');
  assert.equal(sum.spec.mode, 'sum');
  const lines = [
    { type: 'usage', cost: { 'a/b': [0.5] } },
    { type: 'usage', cost: { 'a/b': ['0.25'] } },
    { type: 'result', total_cost_usd: 100 },
    { type: 'other', cost: { 'a/b': [100] } },
  ];
  assert.equal(feed(cost.createMeter(sum.spec), lines), 0.75, 'sum; a spec replaces the built-in claude/pi metering');
  const last = cost.parseCostSpec({ type: 'usage', pointer: '/cost/a~1b/0', mode: 'total' });
  assert.equal(feed(cost.createMeter(last.spec), lines), 0.25, 'total: the last value');
  for (const [bad, why] of [
    ['usage', /expected \{"type"/],
    [{ pointer: '/x' }, /"type" must be a non-empty string/],
    [{ type: 't', pointer: 'x' }, /"pointer" "x" is not a JSON pointer/],
    [{ type: 't', pointer: '/x', mode: 'avg' }, /"mode" must be "sum" or "total"/],
  ]) {
    const r = cost.parseCostSpec(bad);
    assert.equal(r.kind, 'bad', JSON.stringify(bad));
    assert.match(r.problem, why);
  }
});

test('config: `cost` and `max_daily_usd` are parsed; a bad value is one line naming the file', (t) => {
  const dir = tempDataDir(t, 'cost-config');
  const file = path.join(dir, 'config.json');
  const p = paths.resolvePaths({ LOOOP_DATA_DIR: dir }, '/');
  assert.equal(config.loadConfig(p).maxDailyUsd, null, 'no file: no budget key (the default applies)');
  fs.writeFileSync(file, JSON.stringify({ max_daily_usd: 2.5, cost: { type: 'spend', pointer: '/usd', mode: 'total' } }));
  const c = config.loadConfig(p);
  assert.equal(c.maxDailyUsd, 2.5);
  assert.deepEqual(c.cost, { type: 'spend', path: ['usd'], pointer: '/usd', mode: 'total' });
  for (const [body, why] of [
    [{ max_daily_usd: 'ten' }, /has "ten" for "max_daily_usd" \(expected a number of US dollars/],
    [{ cost: { type: 'spend', pointer: 'usd' } }, /has a bad "cost": "pointer" "usd" is not a JSON pointer/],
  ]) {
    fs.writeFileSync(file, JSON.stringify({ tick_command: 'true', ...body }));
    assert.throws(() => config.loadConfig(p), (e) => e.code === 'CONFIG' && e.message.includes(file) && why.test(e.message));
    const r = looop(dir, ['state']);
    assert.equal(r.code, 0, 'a bad config never breaks `state`');
  }
});
