// The pulse's log stream (reference §1.7): JSON lines with sorted keys and reserved
// fields, human lines with local stamps and tints only when colour is on, inert text,
// the in-place status line, and a writer a closed stdout cannot crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, patience } from './helpers.mjs';
import { createLog, logFormatFromEnv, colorOn, liveOn, LOG_LEVELS, jsonLine } from '../dist/lib.mjs';

const AT = new Date(2026, 0, 2, 3, 4, 5); // local time 03:04:05
const ESC = '\x1b';

function capture(opts = {}) {
  const out = [];
  const log = createLog({ format: 'human', color: false, write: (s) => out.push(s), now: () => AT, ...opts });
  return { log, out, text: () => out.join('') };
}

test('a JSON line: one object, keys sorted, ts in UTC to the second, extra fields kept', () => {
  const { log, text } = capture({ format: 'json', now: () => new Date(Date.UTC(2026, 11, 1, 17, 36, 33, 450)) });
  log.ok('tick.decided', 'noop · nothing to do · 2s', { secs: 2, action: 'noop', run_id: 'tick-1', gone: undefined });
  log.warn('tick.backoff', 'second');
  const lines = text().split('\n');
  assert.equal(lines.length, 3, 'two lines, each ended by a newline');
  assert.equal(lines[2], '');
  assert.equal(lines[0], '{"action":"noop","event":"tick.decided","level":"ok","msg":"noop · nothing to do · 2s","run_id":"tick-1","secs":2,"ts":"2026-12-01T17:36:33Z"}');
  assert.deepEqual(Object.keys(JSON.parse(lines[1])), ['event', 'level', 'msg', 'ts']);
});

test('caller fields cannot override the reserved keys', () => {
  const line = jsonLine('warn', 'real.event', 'real msg', new Date(0), { ts: 'x', level: 'ok', event: 'forged', msg: 'forged', other: 1 });
  assert.deepEqual(JSON.parse(line), { event: 'real.event', level: 'warn', msg: 'real msg', other: 1, ts: '1970-01-01T00:00:00Z' });
  // A field JSON cannot carry does not lose the event.
  const odd = JSON.parse(jsonLine('info', 'e', 'm', new Date(0), { n: 1n }));
  assert.equal(odd.event, 'e');
  assert.equal(odd.msg, 'm');
});

test('level tags are stable', () => {
  assert.deepEqual([...LOG_LEVELS], ['info', 'step', 'ok', 'warn', 'error']);
});

test('a human line is `[HH:MM:SS] msg` in local time, no event name, no escapes without colour', () => {
  const { log, out } = capture();
  for (const level of LOG_LEVELS) log[level]('some.event', `${level} message`);
  assert.deepEqual(out, LOG_LEVELS.map((l) => `[03:04:05] ${l} message\n`));
});

test('with colour: info and step dim whole, ok/warn/error a dim stamp and a tinted message', () => {
  const { log, out } = capture({ color: true });
  log.info('e', 'i');
  log.step('e', 's');
  log.ok('e', 'o');
  log.warn('e', 'w');
  log.error('e', 'x');
  const dimStamp = `${ESC}[2m[03:04:05]${ESC}[0m`;
  assert.deepEqual(out, [
    `${ESC}[2m[03:04:05] i${ESC}[0m\n`,
    `${ESC}[2m[03:04:05] s${ESC}[0m\n`,
    `${dimStamp} ${ESC}[97mo${ESC}[0m\n`,
    `${dimStamp} ${ESC}[33mw${ESC}[0m\n`,
    `${dimStamp} ${ESC}[31mx${ESC}[0m\n`,
  ]);
});

test('text from files and runners is shown inert in human mode: no escape reaches the terminal, no forged line', () => {
  const { log, text } = capture();
  log.warn('sense.fail', `sensor said ${ESC}]0;pwned\x07 and ${ESC}[2J\n[00:00:00] forged line`);
  const t = text();
  assert.ok(!t.includes(ESC), JSON.stringify(t));
  const lines = t.split('\n');
  assert.match(lines[0], /^\[03:04:05\] sensor said \\e\]0;pwned\\x07 and \\e\[2J$/);
  assert.equal(lines[1], '           [00:00:00] forged line', 'a continuation line is indented under the message');
  // JSON carries the text as data: escaping is JSON's.
  const j = capture({ format: 'json' });
  j.log.info('e', `a${ESC}b`);
  assert.equal(JSON.parse(j.text()).msg, `a${ESC}b`);
});

test('format and colour come from the environment and the stream: JSON never coloured', () => {
  assert.equal(logFormatFromEnv({ LOOOP_LOG_FORMAT: 'json' }), 'json');
  assert.equal(logFormatFromEnv({ LOOOP_LOG_FORMAT: 'JSON ' }), 'json');
  assert.equal(logFormatFromEnv({ LOOOP_LOG_FORMAT: 'yaml' }), 'human');
  assert.equal(logFormatFromEnv({}), 'human');
  const tty = { isTTY: true };
  assert.equal(colorOn(tty, {}), true);
  assert.equal(colorOn(tty, { NO_COLOR: '' }), true, 'an empty NO_COLOR counts as unset');
  assert.equal(colorOn(tty, { NO_COLOR: '1' }), false);
  assert.equal(colorOn({ isTTY: false }, {}), false);
  assert.equal(colorOn({}, {}), false);
  assert.equal(colorOn(tty, { LOOOP_LOG_FORMAT: 'json' }), false);
  assert.equal(liveOn(tty, { NO_COLOR: '1' }), true, 'NO_COLOR asks for no colours, not no status line');
  assert.equal(liveOn(tty, { TERM: 'dumb' }), false);
  assert.equal(liveOn(tty, { LOOOP_LOG_FORMAT: 'json' }), false);
  assert.equal(liveOn({ isTTY: false }, {}), false);
});

test('the status line redraws in place, survives log lines under it, and is erased at the end', () => {
  const { log, out } = capture({ live: true });
  log.status('next beat in 5s');
  log.status(`next beat in 4s${ESC}[31m`);
  log.info('e', 'a line');
  log.clearStatus();
  log.clearStatus();
  assert.deepEqual(out, [
    '\r\x1b[2Knext beat in 5s',
    '\r\x1b[2Knext beat in 4s\\e[31m',
    '\r\x1b[2K[03:04:05] a line\nnext beat in 4s\\e[31m',
    '\r\x1b[2K',
  ]);
  // Not live (a pipe) or JSON: the status line writes nothing.
  for (const opts of [{}, { live: true, format: 'json' }]) {
    const c = capture(opts);
    c.log.status('x');
    c.log.clearStatus();
    assert.deepEqual(c.out, []);
  }
});

test('runner lines go to the log by tone; JSON says tick.output with the tone', () => {
  const { log, out } = capture({ color: true });
  log.runnerLine({ text: '  Bash: ls', tone: 'dim' });
  log.runnerLine({ text: '  failed (error_max_turns)', tone: 'fail' });
  log.runnerLine({ text: 'all done', tone: 'plain', gap: true });
  assert.deepEqual(out, [
    `${ESC}[2m[03:04:05]   Bash: ls${ESC}[0m\n`,
    `${ESC}[2m[03:04:05]${ESC}[0m ${ESC}[31m  failed (error_max_turns)${ESC}[0m\n`,
    `\n${ESC}[2m[03:04:05]${ESC}[0m all done\n`,
  ]);
  const j = capture({ format: 'json', now: () => new Date(0) });
  j.log.runnerLine({ text: 'all done', tone: 'plain', gap: true }, { run_id: 'r1' });
  assert.deepEqual(JSON.parse(j.text()), { event: 'tick.output', level: 'info', msg: 'all done', run_id: 'r1', tone: 'plain', ts: '1970-01-01T00:00:00Z' });
});

test('a writer that throws never crashes the caller', () => {
  const log = createLog({ format: 'human', color: false, write: () => { throw new Error('EIO'); }, now: () => AT, live: true });
  log.status('s');
  log.error('e', 'still fine');
  log.clearStatus();
});

test('a closed stdout (EPIPE) turns the fd writer silent: the process keeps running and exits 0', async () => {
  const lib = path.join(ROOT, 'dist', 'lib.mjs');
  const script = `
    const { createLog, fdWriter } = await import(${JSON.stringify(lib)});
    const w = fdWriter(1);
    const log = createLog({ format: 'human', color: false, write: w.write, now: () => new Date() });
    log.ok('pulse.start', 'first line');
    process.stdin.once('data', () => {
      for (let i = 0; i < 200; i++) log.info('e', 'line ' + i + ' '.repeat(1000));
      process.stderr.write('survived closed=' + w.isClosed() + '\\n');
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no first log line; stderr: ${stderr}`)), patience());
    child.stdout.once('data', (d) => {
      clearTimeout(timer);
      resolve(String(d));
    });
  });
  assert.match(first, /^\[\d\d:\d\d:\d\d\] first line\n$/);
  child.stdout.destroy(); // the reader goes away
  child.stdin.end('go\n');
  const { code, signal } = await exited;
  assert.equal(signal, null, stderr);
  assert.equal(code, 0, stderr);
  assert.equal(stderr, 'survived closed=true\n');
});
