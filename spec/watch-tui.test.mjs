// `looop watch` under a real terminal (tmux): the fleet table (pulse first), the pending
// asks with their question, the selected session's screen, redrawn on file events
// without a key; and the terminal restored (main screen, cursor shown, cooked mode) on
// q and on SIGTERM. tmux offers no change events, so panes are re-read under a deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, FIXTURES, looop, looopBg, spawnBg, tempDataDir, waitFor } from './helpers.mjs';
import { record, startWorker, waitOutput, sessionsDataDir } from './sessions-helpers.mjs';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const skip = !hasTmux && 'tmux is not installed';
let sockets = 0;

function tmux(sock, ...args) {
  const r = spawnSync('tmux', ['-L', sock, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A tmux server of its own with a bare shell on `dir`, killed by its socket after the test. */
async function terminal(t, dir, cols, rows) {
  const sock = `looop-watch-${process.pid}-${++sockets}-${Date.now()}`;
  tmux(sock, '-f', '/dev/null', 'new-session', '-d', '-x', String(cols), '-y', String(rows), '-s', 'main', `env -u TMUX -u NO_COLOR LOOOP_DATA_DIR='${dir}' PS1='shell$ ' bash --norc --noprofile`);
  t.after(() => spawnSync('tmux', ['-L', sock, 'kill-server']));
  const term = {
    sock,
    pane: () => tmux(sock, 'capture-pane', '-p', '-t', 'main'),
    resize: (c, r) => tmux(sock, 'resize-window', '-t', 'main', '-x', String(c), '-y', String(r)),
    keys: (...k) => tmux(sock, 'send-keys', '-t', 'main', ...k),
    /** Alternate screen, cursor shown, mouse button reports, SGR mouse form. */
    modes: () => tmux(sock, 'display', '-p', '-t', 'main', '#{alternate_on} #{cursor_flag} #{mouse_standard_flag} #{mouse_sgr_flag}').trim(),
    /** A mouse report as the terminal would send it (tmux cannot synthesise one for the pane). */
    mouse: (button, x, y, press = true) => tmux(sock, 'send-keys', '-t', 'main', '-l', `\x1b[<${button};${x};${y}${press ? 'M' : 'm'}`),
    until: (check, what, ms = 20_000) => waitFor(() => check(term.pane()), { ms, what, describe: () => JSON.stringify(term.pane()) }),
  };
  await term.until((p) => p.includes('shell$'), 'the shell prompt');
  return term;
}

/** Runs watch in the shell; its exit code lands in `rc`, its pid in `pid` (exec keeps it). */
function startWatch(term, dir, args = '', env = '') {
  const rc = path.join(dir, '..', `${path.basename(dir)}.rc`);
  const pid = path.join(dir, '..', `${path.basename(dir)}.pid`);
  term.keys(`sh -c 'echo $$ > ${pid}; exec ${env} "${process.execPath}" "${BIN}" watch ${args}'; echo "rc=$?" > ${rc}`, 'Enter');
  return { rc, pid };
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

async function pulseStub(t, dir) {
  const stub = spawnBg(t, dir, process.execPath, [path.join(FIXTURES, 'pulse-stub.mjs')]);
  await waitFor(() => stub.stdout.includes('ready'), { what: 'the pulse stub to hold the lock', describe: () => stub.stderr });
  return stub;
}

/** After watch ended: main screen, cursor shown, and the shell reads lines (cooked mode, echo on). */
async function assertRestored(term, rcFile, code) {
  await waitFor(() => readText(rcFile).trim() === `rc=${code}`, { what: `watch to exit ${code}`, describe: () => `${JSON.stringify(readText(rcFile))} pane ${JSON.stringify(term.pane())}` });
  await term.until((p) => /^shell\$ ?$/m.test(p), 'the shell prompt after watch');
  assert.equal(term.modes(), '0 1 0 0', 'the main screen is back, the cursor shown, mouse reporting off');
  term.keys('echo $((6*7))', 'Enter');
  await term.until((p) => /echo \$\(\(6\*7\)\)/.test(p) && /^42$/m.test(p), 'the shell to echo the typed line and print 42');
}

for (const [cols, rows] of [
  [100, 30],
  [60, 15],
]) {
  test(`watch at ${cols}x${rows}: pulse first, a running worker and its screen, a new ask without a key, q restores`, { skip }, async (t) => {
    const dir = sessionsDataDir(t, 'looop-watch');
    await pulseStub(t, dir);
    startWorker(t, dir, 'w1', `echo hello-from-w1; printf '\\033[31mred-w1\\033[0m \\342\\200\\256x\\n'; while IFS= read -r l; do echo "got: $l"; done # {{prompt_file}}`);
    await waitOutput(dir, 'w1', /hello-from-w1/);
    const term = await terminal(t, dir, cols, rows);
    const { rc } = startWatch(term, dir);
    await term.until((p) => /^> pulse +up /m.test(p) && /^ +w1 +busy +running/m.test(p), 'the table: pulse first and selected (up), then w1 busy');
    assert.equal(term.modes(), '1 0 1 1', 'watch draws on the alternate screen with the cursor hidden and SGR mouse reports on');
    const lines = term.pane().split('\n');
    assert.ok(lines.indexOf(lines.find((l) => /^> pulse/.test(l))) < lines.indexOf(lines.find((l) => /^ +w1 /.test(l))), 'the pulse row comes first');
    assert.ok(lines.every((l) => l.length <= cols), 'no line is wider than the terminal');

    term.keys('j');
    await term.until((p) => /^> w1 /m.test(p) && /hello-from-w1/.test(p), "j selects w1 and shows its screen");
    // Its colours come through (the emulator's SGR); its bidi override shows inert.
    assert.match(tmux(term.sock, 'capture-pane', '-p', '-e', '-t', 'main'), /31m(\x1b\[[0-9;]*m)*red-w1/, 'red-w1 in red');
    assert.match(term.pane(), /^red-w1 \\u202ex$/m);

    assert.equal(looop(dir, ['send', 'w1', 'ping']).code, 0);
    await term.until((p) => /^got: ping$/m.test(p), "the selected worker's new output, with no key pressed");

    // The question is file text: its escape (a screen clear) and bidi override show inert.
    looopBg(t, dir, ['ask', 'w1', '--prompt', 'ship\x1b[2J the fix?\u202e']);
    await term.until((p) => /w1-1 .*w1: ship\\e\[2J the fix\?\\u202e/.test(p) && /^> w1 +waiting-ask/m.test(p), 'the new ask with its question (escapes shown inert), and w1 waiting on it, with no key pressed');
    assert.match(term.pane(), /^> w1 /m, 'the table is still on screen: the escape in the question did not clear it');

    term.keys('q');
    await assertRestored(term, rc, 0);
  });
}

test('watch <id> selects an ended session the filter would hide; SIGTERM restores the terminal', { skip }, async (t) => {
  const dir = sessionsDataDir(t, 'looop-watch');
  startWorker(t, dir, 'w2', `echo bye-from-w2 # {{prompt_file}}`);
  await waitFor(() => record(dir, 'w2')?.state === 'exited', { what: 'w2 to exit', describe: () => JSON.stringify(record(dir, 'w2')) });
  const term = await terminal(t, dir, 80, 24);
  const { rc, pid } = startWatch(term, dir, 'w2');
  await term.until((p) => /^  pulse +down/m.test(p) && /^> w2 +done +exit 0/m.test(p) && /^bye-from-w2$/m.test(p), 'w2 selected, done, with its final screen');
  assert.match(term.pane(), /no pending asks/);
  process.kill(Number(readText(pid).trim()), 'SIGTERM');
  await assertRestored(term, rc, 143);
});

test('watch hides ended sessions by default (counted in the footer); -s lists those that ended within the window, -a every one', { skip }, async (t) => {
  const dir = sessionsDataDir(t, 'looop-watch');
  startWorker(t, dir, 'w3', `echo bye # {{prompt_file}}`);
  await waitFor(() => record(dir, 'w3')?.state === 'exited', { what: 'w3 to exit', describe: () => JSON.stringify(record(dir, 'w3')) });
  const term = await terminal(t, dir, 80, 24);
  for (const [args, shown, footer] of [
    ['', false, ' pulse · living (1 hidden) · '],
    ['-s 1h', true, ' pulse · recent · '],
    ['-a', true, ' pulse · all · '],
  ]) {
    const { rc } = startWatch(term, dir, args);
    await term.until((p) => p.includes(footer), `watch ${args}: the footer ${JSON.stringify(footer)}`);
    assert.equal(/^  w3 +done +exit 0/m.test(term.pane()), shown, `watch ${args}: w3 ${shown ? 'listed' : 'hidden'}`);
    term.keys('q');
    await waitFor(() => readText(rc).trim() === 'rc=0', { what: `watch ${args} to quit`, describe: () => term.pane() });
    fs.rmSync(rc);
    term.keys('clear', 'Enter');
    await term.until((p) => !p.includes(footer), 'the screen cleared');
  }
});

test('watch restores the terminal when it crashes (an uncaught exception), and says why on stderr', { skip }, async (t) => {
  const dir = tempDataDir(t, 'looop-watch');
  // The crash comes from outside looop's code: a preload that throws from a callback on SIGUSR2.
  const preload = path.join(dir, '..', `${path.basename(dir)}-crash.cjs`);
  fs.writeFileSync(preload, "process.on('SIGUSR2', () => setImmediate(() => { throw new Error('injected crash'); }));\n");
  t.after(() => fs.rmSync(preload, { force: true }));
  const term = await terminal(t, dir, 80, 24);
  const { rc, pid } = startWatch(term, dir, '', `env NODE_OPTIONS="--require ${preload}"`);
  await term.until((p) => /^> pulse +down/m.test(p), 'the watch screen');
  process.kill(Number(readText(pid).trim()), 'SIGUSR2');
  await assertRestored(term, rc, 1);
  assert.match(term.pane(), /looop: watch crashed: Error: injected crash/);
});

test('watch in a 30x8 terminal shows one line saying so, and the table once it grows', { skip }, async (t) => {
  const dir = tempDataDir(t, 'looop-watch');
  const term = await terminal(t, dir, 30, 8);
  const { rc } = startWatch(term, dir);
  await term.until((p) => p.split('\n')[0] === 'too small: 30x8 (need 40x10)', 'the too-small notice on the first line');
  assert.deepEqual(term.pane().split('\n').slice(1).filter((l) => l.trim() !== ''), [], 'nothing but the notice');
  term.resize(100, 30);
  await term.until((p) => /^> pulse +down/m.test(p) && !p.includes('too small'), 'the full screen after the terminal grew');
  assert.match(term.pane(), / pulse · living · /, 'the footer names the selection and the filter');
  term.keys('a');
  await term.until((p) => / pulse · all · /.test(p), 'a: the footer says all');
  term.keys('q');
  await assertRestored(term, rc, 0);
});

test('watch keeps running when the data dir vanishes, says so in the footer, and recovers', { skip }, async (t) => {
  const dir = tempDataDir(t, 'looop-watch');
  const term = await terminal(t, dir, 100, 30);
  const { rc } = startWatch(term, dir);
  await term.until((p) => /^> pulse/m.test(p), 'the watch screen');
  fs.rmSync(dir, { recursive: true, force: true });
  await term.until((p) => p.includes(`data dir ${dir} is gone`), 'the footer to report the vanished data dir');
  fs.mkdirSync(dir);
  await term.until((p) => /^> pulse/m.test(p) && !p.includes('is gone'), 'the screen back once the data dir is back');
  term.keys('q');
  await assertRestored(term, rc, 0);
});

test('watch refuses bad arguments and a non-terminal before drawing anything', (t) => {
  const dir = tempDataDir(t, 'looop-watch');
  const cases = [
    [['watch', 'nope'], /^looop: watch: unknown session 'nope'\n  list sessions with: looop worker list -a\n$/],
    [['watch', '-s', '1w'], /^looop: watch: bad duration '1w' \(try 1d, 12h, 30m, 90s\)\n/],
    [['watch', '-a', '-s', '1d'], /^looop: watch: --all and --since are mutually exclusive\n/],
    [['watch'], /^looop: watch: needs a terminal on stdin and stdout\n/],
  ];
  for (const [args, want] of cases) {
    const r = looop(dir, args);
    assert.equal(r.code, 1, `${args.join(' ')}: exit 1`);
    assert.match(r.stderr, want, args.join(' '));
    assert.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
});

/** The footer's scroll position, or null when the pane is live. */
function scrollPos(pane) {
  const m = / scrolled back (\d+) of (\d+) lines \(G live\)/.exec(pane);
  return m === null ? null : { back: Number(m[1]), total: Number(m[2]) };
}

/** The pane's rows below its title rule. */
function paneRows(pane) {
  const lines = pane.split('\n');
  const rule = lines.findIndex((l) => /^── .* — (live|scrolled)/.test(l));
  const foot = lines.findIndex((l) => /^ \S+ · (living|recent|all)/.test(l));
  return rule < 0 || foot < 0 ? [] : lines.slice(rule + 1, foot);
}

// 300 numbered lines (line 5: redrawn after a CR, in red, with a bidi override and a tab),
// then it echoes what it is sent.
const NUMBERED = `for i in $(seq 1 300); do if [ $i = 5 ]; then printf 'old\\r\\033[31mline-5\\033[0m \\342\\200\\256x\\tT\\n'; else echo "line-$i"; fi; done; while IFS= read -r l; do echo "got: $l"; done # {{prompt_file}}`;

test('watch scrolls back through the selected session (PgUp, ^U/^D, g), stays put under new output, and G returns to live', { skip }, async (t) => {
  const dir = sessionsDataDir(t, 'looop-watch');
  startWorker(t, dir, 'w1', NUMBERED);
  await waitOutput(dir, 'w1', /line-300/);
  const term = await terminal(t, dir, 80, 24);
  const { rc } = startWatch(term, dir, 'w1');
  await term.until((p) => /^> w1 /m.test(p) && /^line-300$/m.test(p) && / w1 — live /.test(p) && scrollPos(p) === null, 'w1 live, its last line on screen');

  term.keys('PageUp');
  await term.until((p) => scrollPos(p)?.back > 0 && / w1 — scrolled /.test(p), 'PgUp: the footer shows how far back');
  const page = scrollPos(term.pane());
  assert.equal(page.total, 300, 'the history holds the 300 lines');
  assert.ok(!/^line-300$/m.test(term.pane()), 'the last line is below the view');
  assert.equal(paneRows(term.pane()).at(-1), `line-${300 - page.back}`, 'the view ends just above what it scrolled past');

  term.keys('g');
  await term.until((p) => paneRows(p)[0] === 'line-1', 'g: the top of the history, line-1 first');
  // The log's escapes are stripped, the CR redraw settled, the tab expanded, the bidi override inert.
  assert.ok(paneRows(term.pane()).includes('line-5 \\u202ex       T'), JSON.stringify(paneRows(term.pane())));

  // New output while scrolled back moves the history on, not the view.
  const top = scrollPos(term.pane());
  assert.equal(top.back, 300 - paneRows(term.pane()).length, 'g: everything but the first page is below the view');
  assert.equal(looop(dir, ['send', 'w1', 'ping']).code, 0);
  // Two new lines: the terminal's echo of `ping` and the worker's answer.
  await term.until((p) => scrollPos(p)?.total === 302, 'the history to take the two new lines');
  assert.equal(scrollPos(term.pane()).back, top.back + 2, 'the view moved back with the new lines');
  assert.equal(paneRows(term.pane())[0], 'line-1', 'the view stayed on line-1');

  term.keys('G');
  await term.until((p) => /^got: ping$/m.test(p) && / w1 — live /.test(p) && scrollPos(p) === null, 'G: live again, the new line on screen');

  term.keys('C-u');
  await term.until((p) => scrollPos(p)?.back > 0, '^U: half a page back');
  const half = scrollPos(term.pane()).back;
  assert.ok(half < page.back, `half a page (${half}) is less than a page (${page.back})`);
  term.keys('C-d');
  await term.until((p) => scrollPos(p) === null && /^got: ping$/m.test(p), '^D: back down to live');

  term.keys('q');
  await assertRestored(term, rc, 0);
});

test('watch: a click on a table row selects it, the wheel moves the selection over the table and scrolls over the pane', { skip }, async (t) => {
  const dir = sessionsDataDir(t, 'looop-watch');
  startWorker(t, dir, 'w1', NUMBERED);
  await waitOutput(dir, 'w1', /line-300/);
  startWorker(t, dir, 'w2', `echo hello-w2; while IFS= read -r l; do :; done # {{prompt_file}}`);
  await waitOutput(dir, 'w2', /hello-w2/);
  const term = await terminal(t, dir, 80, 24);
  const { rc } = startWatch(term, dir);
  await term.until((p) => /^> pulse /m.test(p) && /^  w1 /m.test(p) && /^  w2 /m.test(p), 'the table: pulse selected, w1 and w2 listed');

  const rowOf = (id) => term.pane().split('\n').findIndex((l) => new RegExp(`^[ >] ${id} `).test(l)) + 1;
  term.mouse(0, 10, rowOf('w1'));
  term.mouse(0, 10, rowOf('w1'), false);
  await term.until((p) => /^> w1 /m.test(p) && / w1 · living /.test(p) && /^line-300$/m.test(p), 'the click selected w1: marked, named in the footer, its screen shown');

  // The wheel over the pane scrolls it (3 rows a step); down again is live.
  const paneY = term.pane().split('\n').findIndex((l) => / w1 — live /.test(l)) + 3;
  term.mouse(64, 10, paneY);
  await term.until((p) => scrollPos(p)?.back === 3, 'wheel up over the pane: 3 rows back');
  term.mouse(64, 10, paneY);
  await term.until((p) => scrollPos(p)?.back === 6, 'a second wheel step: 6 rows back');
  assert.match(term.pane(), /^> w1 /m, 'the wheel over the pane left the selection alone');
  term.mouse(65, 10, paneY);
  term.mouse(65, 10, paneY);
  await term.until((p) => scrollPos(p) === null && /^line-300$/m.test(p), 'wheel down twice: live again');

  // The wheel over the table moves the selection.
  const before = term.pane().split('\n').findIndex((l) => /^> w1 /.test(l));
  const next = term.pane().split('\n')[before + 1].slice(2).split(/ +/)[0];
  term.mouse(65, 10, rowOf('pulse'));
  await term.until((p) => new RegExp(`^> ${next} `, 'm').test(p), `wheel down over the table: ${next} selected`);

  term.keys('q');
  await assertRestored(term, rc, 0);
});

test('watch scrolls back through the last 2 MiB of a long log only, starting on a whole line', { skip }, async (t) => {
  const dir = sessionsDataDir(t, 'looop-watch');
  // 30,000 lines of 100 characters (about 3 MiB with the terminal's CR LF).
  startWorker(t, dir, 'big', `awk 'BEGIN { for (i = 1; i <= 30000; i++) printf "big-%05d %090d\\n", i, 0 }'; echo done-big; while IFS= read -r l; do :; done # {{prompt_file}}`);
  await waitOutput(dir, 'big', /done-big/, 60_000);
  const term = await terminal(t, dir, 120, 24);
  const { rc } = startWatch(term, dir, 'big');
  await term.until((p) => /^done-big$/m.test(p), 'big live, its last line on screen');
  term.keys('g');
  await term.until((p) => scrollPos(p) !== null && /^big-\d{5} 0{90}$/.test(paneRows(p)[0] ?? ''), 'g: the oldest line kept, a whole one');
  const { total } = scrollPos(term.pane());
  const first = Number(/^big-(\d{5})/.exec(paneRows(term.pane())[0])[1]);
  const lineBytes = 102;
  assert.ok(total <= Math.ceil((2 * 1024 * 1024) / lineBytes) && total > Math.floor((2 * 1024 * 1024) / lineBytes) - 2, `about 2 MiB of lines kept, not all 30,000: ${total}`);
  assert.equal(first, 30000 - total + 2, 'the history ends with done-big and starts where the window began');
  term.keys('q');
  await assertRestored(term, rc, 0);
});
