// `attach` under a real terminal (tmux): it paints the session's screen, forwards
// keys, shares the session at the terminal's size, and on Ctrl-\ Ctrl-\ detaches,
// leaving the terminal usable — main screen, cursor shown, cooked mode with echo —
// while the session keeps running at its old size. tmux offers no change events,
// so panes are re-read on a short interval under a deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BIN, looop, waitFor } from './helpers.mjs';
import { record, startWorker, waitOutput, sessionsDataDir } from './sessions-helpers.mjs';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

function tmux(sock, ...args) {
  const r = spawnSync('tmux', ['-L', sock, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const pane = (sock) => tmux(sock, 'capture-pane', '-p', '-t', 'main');

function waitPane(sock, check, what, ms = 15_000) {
  return waitFor(() => check(pane(sock)), { ms, what, describe: () => JSON.stringify(pane(sock)) });
}

test('attach paints the screen, forwards keys, and restores the terminal on detach', { skip: !hasTmux && 'tmux is not installed' }, async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'a1', `printf '\\033[1;32mbanner\\033[0m line\\n'; while IFS= read -r l; do echo "got: $l"; done # {{prompt_file}}`);
  await waitOutput(dir, 'a1', /banner/);
  const sock = `looop-attach-${process.pid}-${Date.now()}`;
  tmux(sock, '-f', '/dev/null', 'new-session', '-d', '-x', '100', '-y', '30', '-s', 'main', `env -u TMUX LOOOP_DATA_DIR='${dir}' PS1='shell$ ' bash --norc --noprofile`);
  t.after(() => spawnSync('tmux', ['-L', sock, 'kill-server']));
  await waitPane(sock, (p) => p.includes('shell$'), 'the shell prompt');

  tmux(sock, 'send-keys', '-t', 'main', `'${process.execPath}' '${BIN}' attach a1`, 'Enter');
  await waitPane(sock, (p) => p.split('\n')[0] === 'banner line', 'the attached screen, painted from the top');
  assert.equal(tmux(sock, 'display', '-p', '-t', 'main', '#{alternate_on}').trim(), '1', 'attach draws on the alternate screen');
  assert.deepEqual([record(dir, 'a1').context.cols, record(dir, 'a1').context.rows], [100, 30], 'the session took the terminal size');

  tmux(sock, 'send-keys', '-t', 'main', '-l', 'hello 世界');
  tmux(sock, 'send-keys', '-t', 'main', 'Enter');
  await waitPane(sock, (p) => p.includes('got: hello 世界'), 'the echo of the typed line');
  await waitOutput(dir, 'a1', /got: hello 世界/);

  tmux(sock, 'send-keys', '-t', 'main', 'C-\\', 'C-\\');
  await waitPane(sock, (p) => p.includes('[detached from a1'), 'the detach message on the main screen');
  await waitPane(sock, (p) => /^shell\$$/m.test(p), 'the shell prompt after detaching');
  assert.equal(tmux(sock, 'display', '-p', '-t', 'main', '#{alternate_on} #{cursor_flag}').trim(), '0 1', 'main screen, cursor shown');
  tmux(sock, 'send-keys', '-t', 'main', 'echo $((6*7))', 'Enter');
  await waitPane(sock, (p) => /^echo \$\(\(6\*7\)\)$/m.test(p.replace(/^shell\$ /gm, '')) && /^42$/m.test(p), 'the shell to echo the typed command (cooked mode) and print 42');

  const r = JSON.parse(looop(dir, ['worker', 'list', '--json']).stdout);
  assert.deepEqual(r.map((w) => [w.id, w.state]), [['pulse', 'down'], ['a1', 'running']], 'detaching leaves the session running');
  await waitFor(() => record(dir, 'a1').context.cols === 80, { ms: 10_000, what: 'the session back at 80 columns', describe: () => JSON.stringify(record(dir, 'a1').context) });
  assert.equal(record(dir, 'a1').context.rows, 24);
});

test('attach ends by itself when the session ends, and refuses sessions that are not running', { skip: !hasTmux && 'tmux is not installed' }, async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'a2', `echo ready; read -r l; echo "bye $l" # {{prompt_file}}`);
  await waitOutput(dir, 'a2', /ready/);
  const sock = `looop-attach2-${process.pid}-${Date.now()}`;
  tmux(sock, '-f', '/dev/null', 'new-session', '-d', '-x', '90', '-y', '20', '-s', 'main', `env -u TMUX LOOOP_DATA_DIR='${dir}' PS1='shell$ ' bash --norc --noprofile`);
  t.after(() => spawnSync('tmux', ['-L', sock, 'kill-server']));
  await waitPane(sock, (p) => p.includes('shell$'), 'the shell prompt');
  tmux(sock, 'send-keys', '-t', 'main', `'${process.execPath}' '${BIN}' attach a2`, 'Enter');
  await waitPane(sock, (p) => p.startsWith('ready'), 'the attached screen');
  tmux(sock, 'send-keys', '-t', 'main', 'now', 'Enter');
  await waitPane(sock, (p) => p.includes('[session a2 ended (exited 0)]'), 'the end-of-session message');
  assert.equal(tmux(sock, 'display', '-p', '-t', 'main', '#{alternate_on} #{cursor_flag}').trim(), '0 1');

  const r = looop(dir, ['attach', 'a2']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: attach a2: the session is not running \(exited 0\)/);
});

test('attach --help documents the detach key', (t) => {
  const r = looop(sessionsDataDir(t), ['attach', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Detach: press Ctrl-\\ twice/);
});
