// Text is byte-exact from argv to its reader: every verb's words and option values
// are exactly the strings typed (`007` stays `007`), `--` ends options everywhere,
// and a dash-leading word that is no option is refused with how to pass it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as lib from '../dist/lib.mjs';
import { exitWithin, looop, looopBg, readJson, tempDataDir, waitForFile } from './helpers.mjs';
import { startWorker, waitFileText, waitOutput, sessionsDataDir } from './sessions-helpers.mjs';

const cli = lib.buildProgram();
const run = (positionals, options = {}) => ({ kind: 'run', positionals, options });
const usage = (re) => ({ kind: 'usage', re });

// argv → what the verb receives. Options are keyed as cac declares them; a value
// option holds every value given, in order.
const TABLE = [
  [['answer', 'qa-1', '--force', '007'], run(['qa-1', '007'], { force: true })],
  [['answer', 'qa-1', '1.50'], run(['qa-1', '1.50'])],
  [['answer', 'qa-1', '0x1F'], run(['qa-1', '0x1F'])],
  [['answer', 'qa-1', '-1'], run(['qa-1', '-1'])],
  [['answer', 'qa-1', '-2.5', 'x'], run(['qa-1', '-2.5', 'x'])],
  [['answer', 'qa-1', ' '], run(['qa-1', ' '])],
  [['answer', 'qa-1', ''], run(['qa-1', ''])],
  [['answer', 'qa-1', ' lead'], run(['qa-1', ' lead'])],
  [['answer', 'qa-1', '-'], run(['qa-1', '-'])],
  [['answer', 'qa-1', '--', '--'], run(['qa-1', '--'])],
  [['answer', 'qa-1', '--', '-x'], run(['qa-1', '-x'])],
  [['answer', 'qa-1', '--', '--force'], run(['qa-1', '--force'])],
  [['answer', '--', '-r-1', 'yes'], run(['-r-1', 'yes'])],
  [['answer', '--', '--help', 'x'], run(['--help', 'x'])],
  [['answer', '--force', '--', '-r-1', '--', 'x'], run(['-r-1', '--', 'x'], { force: true })],
  [['answer', 'qa-1', '-x'], usage(/^unknown option `-x` — if it is text or an id, put it after `--`: looop answer -- qa-1 -x$/)],
  [['answer', '-r-1', 'yes'], usage(/put it after `--`: looop answer -- -r-1 yes$/)],
  [['answer', '-r-1', 'yes', '--force'], usage(/put it after `--`: looop answer --force -- -r-1 yes$/)],
  [['answer', 'qa-1', "it's", '--bogus'], usage(/^unknown option `--bogus` — .*: looop answer -- qa-1 'it'\\''s' --bogus$/)],
  [['answer', 'qa-1', '--force=yes'], usage(/^`--force` takes no value$/)],
  [['answer'], usage(/^missing <ask>$/)],
  [['answer', '--help'], { kind: 'help' }],
  [['answer', 'qa-1', 'x', '-h'], { kind: 'help' }],
  [['ask', 'w', '--prompt', '007'], run(['w'], { prompt: ['007'] })],
  [['ask', 'w', '--prompt', '-x'], run(['w'], { prompt: ['-x'] })],
  [['ask', 'w', '--prompt', '--help'], run(['w'], { prompt: ['--help'] })],
  [['ask', 'w', '--prompt', '--'], run(['w'], { prompt: ['--'] })],
  [['ask', 'w', '--prompt=-1'], run(['w'], { prompt: ['-1'] })],
  [['ask', 'w', '--prompt', ' '], run(['w'], { prompt: [' '] })],
  [['ask', 'w', '--prompt', ''], run(['w'], { prompt: [''] })],
  [['ask', 'w', '--prompt', '0x1F', '--ref', '1.50', '--options', 'a,b', '--options', '007'], run(['w'], { prompt: ['0x1F'], ref: ['1.50'], options: ['a,b', '007'] })],
  [['ask', 'w', '--prompt'], usage(/^`--prompt` needs a value$/)],
  [['send', 'rep', '-n', '007'], run(['rep', '007'], { n: true })],
  [['send', 'rep', '-n', ' '], run(['rep', ' '], { n: true })],
  [['send', 'rep', '-n', '0x1F'], run(['rep', '0x1F'], { n: true })],
  [['send', 'rep', '--no-newline', '1.50'], run(['rep', '1.50'], { newline: false })],
  [['send', 'rep', '-1'], run(['rep', '-1'])],
  [['send', 'rep', '-n', '--', '-n'], run(['rep', '-n'], { n: true })],
  [['send', 'rep', '-x'], usage(/put it after `--`: looop send -- rep -x$/)],
  [['tell', 'w1', '--force-push', 'is', 'forbidden'], run(['w1', '--force-push', 'is', 'forbidden'])],
  [['tell', 'w1', ' lead', '007'], run(['w1', ' lead', '007'])],
  [['tell', 'w1', '--', '--help'], run(['w1', '--help'])],
  [['tell', 'w1', '-x', '--', '--'], run(['w1', '-x', '--'])],
  [['claim', 'job', '--session', '007'], run(['job'], { session: ['007'] })],
  [['unclaim', 'job', '--session=0x1F'], run(['job'], { session: ['0x1F'] })],
  [['worker', 'start', 'x', '-', '--command', 'cat -v > out.txt # {{prompt_file}}', '--verify', '-1'], run(['x', '-'], { command: ['cat -v > out.txt # {{prompt_file}}'], verify: ['-1'] })],
  [['w', 'ls', '-aw', '--interval', '007'], run([], { all: true, watch: true, interval: ['007'] })],
  [['screenshot', 'x', '--no-trim', '--ansi'], run(['x'], { trim: false, ansi: true })],
  [['ss', 'x', '--plain'], run(['x'], { plain: true })],
  [['log', 'x', '--tail', '007', '-f'], run(['x'], { tail: ['007'], follow: true })],
  [['_', 'asks', '--json'], run([], { json: true })],
  [['asks', 'extra'], usage(/^unexpected word `extra`$/)],
  [['asks', '--bogus'], usage(/^unknown option `--bogus`/)],
  [[], { kind: 'summary' }],
  [['-h'], { kind: 'manual' }],
  [['-v'], { kind: 'version' }],
  [['-V'], { kind: 'version' }],
  [['--version'], { kind: 'version' }],
  [['worker'], { kind: 'group', group: 'worker', unknown: null }],
  [['w', '--help'], { kind: 'group', group: 'worker', unknown: null }],
  [['worker', 'nosuch'], { kind: 'group', group: 'worker', unknown: 'nosuch' }],
  [['help', 'worker'], { kind: 'topic', words: ['worker'] }],
  [['help', '--json'], { kind: 'topic', words: ['--json'] }],
  [['frobnicate'], { kind: 'unknown-verb', word: 'frobnicate' }],
];

test('argv → parsed words and options, exactly as typed', () => {
  for (const [argv, want] of TABLE) {
    const got = lib.parseCommandLine(cli, argv);
    const label = JSON.stringify(argv);
    assert.equal(got.kind, want.kind, `${label}: ${JSON.stringify({ ...got, verb: got.verb?.name })}`);
    if (want.kind === 'run') {
      assert.deepEqual(got.positionals, want.positionals, label);
      assert.deepEqual({ ...got.options }, want.options, label);
    } else if (want.kind === 'usage') {
      assert.match(got.message, want.re, label);
    } else {
      const { verb: _verb, ...rest } = got;
      assert.deepEqual(rest, want, label);
    }
  }
});

test('every verb is parsed the same way: a boolean flag never turns the next word into a number', () => {
  for (const verb of cli.commands) {
    const spec = lib.specOf(verb);
    if (spec.args.length === 0 || spec.name === 'help') continue;
    const words = spec.args.map((a, i) => (a.variadic ? '007' : `a${i}`));
    for (const o of spec.options) {
      const flag = o.flags[o.flags.length - 1];
      const argv = o.takesValue ? [flag, '007', ...words] : [flag, ...words];
      const got = lib.parseVerbWords(spec, argv);
      assert.equal(got.kind, 'run', `${spec.name} ${argv.join(' ')}: ${got.message}`);
      assert.deepEqual(got.positionals, words, `${spec.name} ${argv.join(' ')}`);
      if (o.takesValue) assert.deepEqual(got.options[o.key], ['007']);
    }
  }
});

test('the unknown-option line says how to pass the word, and `--help` after `--` is data', (t) => {
  const dir = tempDataDir(t);
  const dash = looop(dir, ['answer', '-r-1', 'yes']);
  assert.equal(dash.code, 1);
  assert.equal(dash.stderr.split('\n')[0], 'looop: answer: unknown option `-r-1` — if it is text or an id, put it after `--`: looop answer -- -r-1 yes');
  assert.match(dash.stderr, /^usage: looop answer <ask>/m);
  const data = looop(dir, ['answer', '--', '--help', 'x']);
  assert.equal(data.code, 1, 'no help, and no exit 0');
  assert.doesNotMatch(data.stdout, /Usage/);
  assert.match(data.stderr, /no pending ask "--help"/);
});

// Values the old parser mangled (007 → 7, 0x1F → 31, ' ' → 0) or refused (-x, --).
const ANSWERS = [
  { argv: (id) => [id, '--force', '007'], text: '007' },
  { argv: (id) => [id, '1.50'], text: '1.50' },
  { argv: (id) => [id, '0x1F'], text: '0x1F' },
  { argv: (id) => [id, '-1'], text: '-1' },
  { argv: (id) => [id, ' lead', 'space'], text: ' lead space' },
  { argv: (id) => [id, '--', '--'], text: '--' },
  { argv: (id) => ['--force', id, '--', '-x'], text: '-x' },
];

test('answers reach the blocked ask byte-exact; prompts are stored as typed; blank is refused', async (t) => {
  const dir = tempDataDir(t);
  const prompts = ['007', '1.50', '0x1F', '-1', ' lead', '--', '-x'];
  const asks = ANSWERS.map((a, i) => {
    const worker = `b${i}`;
    const proc = looopBg(t, dir, ['ask', worker, '--prompt', prompts[i]]);
    return { ...a, worker, id: `${worker}-1`, proc };
  });
  for (const a of asks) await waitForFile(path.join(dir, 'asks', `${a.id}.json`));
  for (const [i, a] of asks.entries()) assert.equal(readJson(path.join(dir, 'asks', `${a.id}.json`)).context.prompt, prompts[i]);

  const first = asks[0];
  for (const blank of [' ', '']) {
    const r = looop(dir, ['answer', first.id, blank]);
    assert.equal(r.code, 1, `answer ${JSON.stringify(blank)} is refused`);
    assert.match(r.stderr, /^looop: answer: empty text/);
  }
  const dash = looop(dir, ['answer', first.id, '-x']);
  assert.equal(dash.code, 1);
  assert.match(dash.stderr, /put it after `--`: looop answer -- b0-1 -x/);
  assert.equal(fs.existsSync(path.join(dir, 'answers', `${first.id}.json`)), false, 'refusals write nothing');

  for (const a of asks) {
    const r = looop(dir, ['answer', ...a.argv(a.id)]);
    assert.equal(r.code, 0, `${a.argv(a.id).join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^\\[\\d\\d:\\d\\d:\\d\\d\\] ${a.id}: ${a.text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\n$`));
  }
  for (const a of asks) {
    const exit = await exitWithin(a.proc, 20_000, `ask ${a.id} to print its answer`);
    assert.equal(exit.code, 0, a.proc.stderr);
    assert.equal(a.proc.stdout, `${a.text}\n`, `ask ${a.id} prints exactly what was answered`);
  }

  for (const blank of [' ', '']) {
    const r = looop(dir, ['ask', 'b9', '--prompt', blank]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^looop: ask: empty --prompt/);
  }
});

test('tells arrive byte-exact through `told`; blank tells are refused', (t) => {
  const dir = tempDataDir(t);
  const r = looop(dir, ['worker', 'start', 'tw', 'idle worker', '--command', 'sleep 120 # {{prompt_file}}']);
  assert.equal(r.code, 0, r.stderr);
  t.after(() => looop(dir, ['kill', 'tw']));
  const tells = [
    [['007'], '007'],
    [['1.50'], '1.50'],
    [['0x1F'], '0x1F'],
    [['-1'], '-1'],
    [[' lead', 'space'], ' lead space'],
    [['--', '--'], '--'],
    [['-x'], '-x'],
    [['--', '--help'], '--help'],
  ];
  for (const [words, msg] of tells) {
    const q = looop(dir, ['tell', 'tw', ...words]);
    assert.equal(q.code, 0, `tell ${words.join(' ')}: ${q.stderr}`);
    assert.ok(q.stdout.endsWith(`] queued for tw: ${msg}\n`), q.stdout);
  }
  for (const blank of [' ', '']) {
    const q = looop(dir, ['tell', 'tw', blank]);
    assert.equal(q.code, 1, `tell ${JSON.stringify(blank)} is refused`);
    assert.match(q.stderr, /^looop: tell: empty message/);
  }
  const told = looop(dir, ['told', 'tw']);
  assert.equal(told.code, 0, told.stderr);
  assert.equal(told.stdout, tells.map(([, msg]) => `• ${msg}\n`).join(''));
});

// Appends every line it reads to recv.txt (in the data dir, its cwd), echo off.
const RECEIVER = `stty -echo; echo ready; while IFS= read -r l; do printf '%s\\n' "$l" >> recv.txt; done # {{prompt_file}}`;

test('send types exactly the text given, whatever the flags around it', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'sx', RECEIVER);
  await waitOutput(dir, 'sx', /ready/);
  const sends = [
    ['-n', '007'],
    ['-n', '|'],
    ['-n', ' '],
    ['-n', '|'],
    ['-n', '0x1F'],
    ['--no-newline', '|1.50|'],
    ['-n', '-1'],
    ['-n', '--', '--'],
    ['-n', '--', '-x'],
    ['end'],
    ['--', '-n'],
  ];
  for (const words of sends) {
    const r = looop(dir, ['send', 'sx', ...words]);
    assert.equal(r.code, 0, `send sx ${words.join(' ')}: ${r.stderr}`);
  }
  for (const refused of [[''], ['-n', ''], ['-x']]) {
    const r = looop(dir, ['send', 'sx', ...refused]);
    assert.equal(r.code, 1, `send sx ${JSON.stringify(refused)} is refused`);
  }
  const got = await waitFileText(path.join(dir, 'recv.txt'), (s) => s.split('\n').length > 2, 'two lines in recv.txt');
  assert.equal(got, '007| |0x1F|1.50|-1---xend\n-n\n');
});
