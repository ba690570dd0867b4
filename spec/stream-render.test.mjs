// The runner's output for the replay archive (reference §8.11.2, tests §11.7, §11.22):
// claude, codex and pi event streams rendered as data, and the tee that writes every
// rendered line to runs/<id>/output.log and tick.log, warning once per failing sink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { tempDataDir, waitFor } from './helpers.mjs';
import { renderRunnerLine as render, collapseWs, toolArgument, createTee, openRunTee, decideRunner } from '../dist/lib.mjs';

const j = (o) => JSON.stringify(o);
const texts = (line) => render(line).map((r) => r.text);

test('whitespace collapses to single spaces; a tool argument is its command, path or file_path, else all its args, never cut', () => {
  assert.equal(collapseWs('  a\t b\n c '), 'a b c');
  assert.equal(toolArgument({ command: 'git\n  status', path: '/x' }), 'git status');
  assert.equal(toolArgument({ path: '/tmp/x' }), '/tmp/x');
  assert.equal(toolArgument({ file_path: '/tmp/y', other: 1 }), '/tmp/y');
  assert.equal(toolArgument({ pattern: 'a  b', n: 2 }), '{"pattern":"a b","n":2}');
  const long = 'x'.repeat(5000);
  assert.equal(toolArgument({ command: long }), long);
  assert.equal(toolArgument({}), '');
  assert.equal(toolArgument(undefined), '');
});

test('a line that is not JSON passes through verbatim; an empty line and unknown JSON are dropped', () => {
  assert.deepEqual(render('plain text  with  spaces'), [{ text: 'plain text  with  spaces', tone: 'plain' }]);
  assert.deepEqual(render('{not json'), [{ text: '{not json', tone: 'plain' }]);
  assert.deepEqual(render('42'), [{ text: '42', tone: 'plain' }], 'only an object can be an event');
  assert.deepEqual(render(''), []);
  assert.deepEqual(render('   '), []);
  assert.deepEqual(render(j({ type: 'mystery', text: 'x' })), []);
  assert.deepEqual(render(j({ no_type: true })), []);
});

test('pi: message_end prose after a gap, tool start with its argument, failed end red, clean end nothing', () => {
  const msg = (content, role = 'assistant') => j({ type: 'message_end', message: { role, content } });
  assert.deepEqual(render(msg([{ type: 'text', text: 'h' }, { type: 'thinking', thinking: 'z' }, { type: 'text', text: 'i' }])), [{ text: 'hi', tone: 'plain', gap: true }]);
  assert.deepEqual(render(msg([])), []);
  assert.deepEqual(render(msg([{ type: 'text', text: '  ' }])), []);
  assert.deepEqual(render(msg([{ type: 'text', text: 'x' }], 'user')), []);
  assert.deepEqual(render(j({ type: 'tool_execution_start', toolName: 'bash', args: { command: 'git  status' } })), [{ text: '  bash: git status', tone: 'dim' }]);
  assert.deepEqual(texts(j({ type: 'tool_execution_start', toolName: 'read' })), ['  read']);
  assert.deepEqual(texts(j({ type: 'tool_execution_start', args: {} })), ['  tool']);
  assert.deepEqual(render(j({ type: 'tool_execution_end', toolName: 'bash', isError: false })), []);
  assert.deepEqual(render(j({ type: 'tool_execution_end', toolName: 'bash', isError: true })), [{ text: '  bash failed', tone: 'fail' }]);
});

test('claude: assistant tool_use lines then prose; tool-only; empty content nothing; system and user nothing', () => {
  const assistant = (content) => j({ type: 'assistant', message: { role: 'assistant', content } });
  assert.deepEqual(
    render(assistant([{ type: 'text', text: 'Let me look.\n' }, { type: 'tool_use', name: 'Bash', input: { command: 'git\tstatus', description: 'd' } }])),
    [
      { text: '  Bash: git status', tone: 'dim' },
      { text: 'Let me look.', tone: 'plain', gap: true },
    ],
  );
  assert.deepEqual(texts(assistant([{ type: 'tool_use', name: 'Read', input: { file_path: '/tmp/x' } }])), ['  Read: /tmp/x']);
  assert.deepEqual(render(assistant([])), []);
  assert.deepEqual(render(j({ type: 'system', subtype: 'init', tools: [] })), []);
  assert.deepEqual(render(j({ type: 'user', message: { content: [{ type: 'tool_result', content: 'secret' }] } })), []);
});

test('claude result: done with duration and cost; failed with subtype, duration, cost; nothing without metrics', () => {
  assert.deepEqual(render(j({ type: 'result', subtype: 'success', is_error: false, duration_ms: 12345, total_cost_usd: 0.04213 })), [{ text: '  done (12.3s · $0.0421)', tone: 'dim' }]);
  assert.deepEqual(texts(j({ type: 'result', subtype: 'success', duration_ms: 500 })), ['  done (0.5s)']);
  assert.deepEqual(render(j({ type: 'result', subtype: 'success' })), []);
  const failed = render(j({ type: 'result', subtype: 'error_max_turns', is_error: true, duration_ms: 12345, total_cost_usd: 0.5 }));
  assert.deepEqual(failed, [{ text: '  failed (error_max_turns · 12.3s · $0.5000)', tone: 'fail' }]);
  assert.ok(!failed[0].text.includes('done'));
  assert.deepEqual(texts(j({ type: 'result', subtype: 'error_during_execution' })), ['  failed (error_during_execution)']);
  assert.deepEqual(render(j({ type: 'result', is_error: true })), [{ text: '  failed', tone: 'fail' }]);
});

test('codex: command start, failed completion, agent message, error; clean completion and reasoning nothing', () => {
  const item = (type, it) => j({ type, item: it });
  assert.deepEqual(render(item('item.started', { id: 'i1', type: 'command_execution', command: 'bash -lc  ls\n-la', status: 'in_progress' })), [{ text: '  command: bash -lc ls -la', tone: 'dim' }]);
  assert.deepEqual(render(item('item.completed', { type: 'command_execution', command: 'ls', exit_code: 0 })), []);
  const failed = render(item('item.completed', { type: 'command_execution', command: 'ls', exit_code: 1 }));
  assert.equal(failed.length, 1);
  assert.match(failed[0].text, /failed/);
  assert.equal(failed[0].tone, 'fail');
  assert.deepEqual(render(item('item.completed', { type: 'agent_message', text: 'all done' })), [{ text: 'all done', tone: 'plain', gap: true }]);
  assert.deepEqual(render(item('item.completed', { type: 'reasoning', text: 'hmm' })), []);
  assert.deepEqual(render(j({ type: 'turn.started' })), []);
  assert.deepEqual(render(j({ type: 'turn.completed', usage: {} })), []);
  assert.deepEqual(render(j({ type: 'thread.started', thread_id: 't' })), []);
  assert.deepEqual(render(j({ type: 'error', message: 'stream  disconnected' })), [{ text: '  error: stream disconnected', tone: 'fail' }]);
});

function readArchive(file) {
  // Stamps vary with the clock; compare the text after them.
  return fs.readFileSync(file, 'utf8').replace(/^\[\d\d:\d\d:\d\d\] /gm, '[T] ');
}

const CLAUDE_STREAM = [
  j({ type: 'system', subtype: 'init' }),
  'plain text from the runner',
  '',
  j({ type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Bash', input: { command: 'ls  -la' } }] } }),
  j({ type: 'assistant', message: { content: [{ type: 'text', text: 'Two lines\nof prose' }] } }),
  j({ type: 'unknown_event' }),
  j({ type: 'result', subtype: 'success', duration_ms: 2000, total_cost_usd: 0.01 }),
];

const EXPECTED_ARCHIVE = [
  '[T] plain text from the runner',
  '[T]   Bash: ls -la',
  '',
  '[T] Two lines',
  '           of prose',
  '[T]   done (2.0s · $0.0100)',
  '[T] red text \\x08bs',
  '[T] stderr too',
  '',
].join('\n');

test('a real bash runner: its claude stream and plain text are rendered into output.log and tick.log; tick.log holds only the last attempt', async (t) => {
  const dir = tempDataDir(t);
  const tickLog = path.join(dir, 'tick.log');
  fs.writeFileSync(tickLog, 'an older attempt\n');
  const runDir = path.join(dir, 'runs', 'tick-1');
  fs.mkdirSync(runDir, { recursive: true });
  const promptFile = path.join(runDir, 'prompt.md');
  fs.writeFileSync(promptFile, 'decide\n');
  const stream = path.join(dir, 'stream.ndjson');
  fs.writeFileSync(stream, `${CLAUDE_STREAM.join('\n')}\n`);
  const rendered = [];
  const raw = [];
  const problems = [];
  const spec = {
    dataDir: dir,
    promptFile,
    deadlineMs: 60_000,
    env: process.env,
    // A styled line (colours, a title set: stripped; a backspace: shown inert) and a line on stderr.
    tickCommand: `cat stream.ndjson; printf '\\033[31m\\033]0;title\\007red text\\033[0m \\010bs\\n'; echo 'stderr too' >&2`,
    onLine: (l) => raw.push(l),
  };
  const { result, teeProblems } = await decideRunner.runDeciderTeed(spec, { runDir, tickLog, now: () => new Date(), onRendered: (r) => rendered.push(r), onProblem: (p) => problems.push(p) });
  assert.equal(result.kind, 'ok', JSON.stringify(result));
  assert.deepEqual(teeProblems, []);
  assert.deepEqual(problems, []);
  assert.equal(raw.length, CLAUDE_STREAM.length + 2, 'onLine still sees every raw line');
  assert.equal(readArchive(path.join(runDir, 'output.log')), EXPECTED_ARCHIVE);
  assert.equal(readArchive(tickLog), EXPECTED_ARCHIVE, 'tick.log starts afresh and gets the same lines');
  assert.deepEqual(rendered.map((r) => r.tone), ['plain', 'dim', 'plain', 'dim', 'plain', 'plain']);

  // The next attempt: tick.log again holds only this one; the first run's archive stays.
  const runDir2 = path.join(dir, 'runs', 'tick-2');
  fs.mkdirSync(runDir2);
  const r2 = await decideRunner.runDeciderTeed({ ...spec, tickCommand: 'echo second attempt', onLine: undefined }, { runDir: runDir2, tickLog, now: () => new Date() });
  assert.equal(r2.result.kind, 'ok');
  assert.equal(readArchive(tickLog), '[T] second attempt\n');
  assert.equal(readArchive(path.join(runDir2, 'output.log')), '[T] second attempt\n');
  assert.equal(readArchive(path.join(runDir, 'output.log')), EXPECTED_ARCHIVE);
});

test('a sink that cannot be opened is reported once and the other sink gets every line', async (t) => {
  const dir = tempDataDir(t);
  const runDir = path.join(dir, 'runs', 'tick-1');
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(path.join(runDir, 'prompt.md'), 'p\n');
  const tickLog = path.join(dir, 'tick.log');
  fs.mkdirSync(tickLog); // a directory where tick.log should be
  const problems = [];
  const { result, teeProblems } = await decideRunner.runDeciderTeed(
    { dataDir: dir, promptFile: path.join(runDir, 'prompt.md'), deadlineMs: 60_000, env: process.env, tickCommand: 'for i in 1 2 3; do echo line $i; done' },
    { runDir, tickLog, now: () => new Date(), onProblem: (p) => problems.push(p) },
  );
  assert.equal(result.kind, 'ok');
  assert.equal(problems.length, 1, JSON.stringify(problems));
  assert.deepEqual(teeProblems, problems);
  assert.equal(problems[0].file, tickLog);
  assert.equal(problems[0].op, 'open');
  assert.ok(problems[0].problem.includes(tickLog), problems[0].problem);
  assert.equal(readArchive(path.join(runDir, 'output.log')), '[T] line 1\n[T] line 2\n[T] line 3\n');
});

test('a planted tick.log (symlink or FIFO) is refused, never followed or blocked on', (t) => {
  const dir = tempDataDir(t);
  const runDir = path.join(dir, 'run');
  fs.mkdirSync(runDir);
  const victim = path.join(dir, 'victim.txt');
  fs.writeFileSync(victim, 'keep me\n');
  const link = path.join(dir, 'tick.log');
  fs.symlinkSync(victim, link);
  let tee = openRunTee({ runDir, tickLog: link }, { now: () => new Date() });
  tee.line('hello');
  let problems = tee.close();
  assert.equal(problems.length, 1);
  assert.equal(fs.readFileSync(victim, 'utf8'), 'keep me\n', 'the symlink target is untouched');
  const fifo = path.join(dir, 'fifo.log');
  execFileSync('mkfifo', [fifo]);
  tee = openRunTee({ runDir, tickLog: fifo }, { now: () => new Date() });
  tee.line('hello');
  problems = tee.close();
  assert.equal(problems.length, 1);
  assert.match(problems[0].problem, /not a regular file|ENXIO/);
  assert.match(fs.readFileSync(path.join(runDir, 'output.log'), 'utf8'), /hello\n$/);
});

test('a sink whose writes fail warns once, later lines keep flowing to the healthy sink', () => {
  const good = [];
  let attempts = 0;
  const problems = [];
  const failing = { name: '/full/tick.log', write: () => { attempts++; throw Object.assign(new Error('no space'), { code: 'ENOSPC' }); }, close: () => {} };
  const healthy = { name: 'mem', write: (s) => good.push(s), close: () => {} };
  const tee = createTee([failing, healthy], { now: () => new Date(0), onProblem: (p) => problems.push(p) });
  for (let i = 0; i < 5; i++) tee.line(`line ${i}`);
  assert.equal(attempts, 1, 'a failed sink is dropped, not retried per line');
  assert.equal(problems.length, 1);
  assert.deepEqual({ file: problems[0].file, op: problems[0].op }, { file: '/full/tick.log', op: 'write' });
  assert.match(problems[0].problem, /ENOSPC/);
  assert.equal(good.length, 5);
  assert.deepEqual(tee.close(), problems);
});

test('a runner printing megabytes without a newline reaches onLine in bounded pieces, before the line ends', async (t) => {
  const dir = tempDataDir(t);
  const promptFile = path.join(dir, 'prompt.md');
  fs.writeFileSync(promptFile, 'p\n');
  const sizes = [];
  const total = () => sizes.reduce((a, b) => a + b, 0);
  // The runner holds its unfinished line open until the test has seen the pieces (or
  // the test is over: its data dir gone, or `go` written on the way out).
  t.after(() => {
    try {
      fs.writeFileSync(path.join(dir, 'go'), '');
    } catch {}
  });
  const done = decideRunner.runDecider({
    dataDir: dir,
    promptFile,
    deadlineMs: 0,
    env: process.env,
    tickCommand: "head -c 3000000 /dev/zero | tr '\\0' a; while [ ! -e go ] && [ -e \"$PWD\" ]; do sleep 0.05; done; echo; echo tail",
    onLine: (l) => sizes.push(l.length),
  });
  await waitFor(() => total() >= 2 * decideRunner.MAX_LINE_BYTES, { what: 'pieces of the unfinished 3 MB line', describe: () => `pieces so far: ${JSON.stringify(sizes)}` });
  fs.writeFileSync(path.join(dir, 'go'), '');
  const r = await done;
  assert.equal(r.kind, 'ok');
  assert.ok(sizes.every((n) => n <= decideRunner.MAX_LINE_BYTES), JSON.stringify(sizes));
  assert.equal(total(), 3_000_000 + 4);
  assert.equal(sizes.at(-1), 4);
});
