// When no watch can be set up, looop polls and says so once. The failure here is
// real: a user namespace whose inotify instance limit is 0 makes every watch fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { BIN, exitWithin, looop, spawnBg, tempDataDir, waitForFile } from './helpers.mjs';

function inNoInotifyNamespace(t, dir, args, env = {}) {
  const script = 'echo 0 > /proc/sys/user/max_inotify_instances && exec "$0" "$@"';
  return spawnBg(t, dir, 'unshare', ['-U', '-r', 'sh', '-c', script, process.execPath, BIN, ...args], { env });
}

test('ask falls back to polling with one stderr line when inotify is unavailable, and still delivers', async (t) => {
  const dir = tempDataDir(t);
  const ask = inNoInotifyNamespace(t, dir, ['ask', 'w', '--prompt', 'q']);
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  assert.equal(looop(dir, ['answer', 'w-1', 'polled']).code, 0);
  const { code } = await exitWithin(ask, 10_000, 'the polling ask to deliver');
  assert.equal(code, 0, ask.stderr);
  assert.equal(ask.stdout, 'polled\n');
  const lines = ask.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one diagnostic line, got:\n${ask.stderr}`);
  assert.match(lines[0], /^looop: cannot watch .*polling every \d+ ms instead$/);
});

test('LOOOP_WATCH=poll polls by choice (network filesystems) without a warning', async (t) => {
  const dir = tempDataDir(t);
  const { looopBg } = await import('./helpers.mjs');
  const ask = looopBg(t, dir, ['ask', 'w', '--prompt', 'q'], { env: { LOOOP_WATCH: 'poll' } });
  await waitForFile(path.join(dir, 'asks', 'w-1.json'));
  assert.equal(looop(dir, ['answer', 'w-1', 'chosen']).code, 0);
  await exitWithin(ask, 10_000);
  assert.equal(ask.stdout, 'chosen\n');
  assert.equal(ask.stderr, '');
});
