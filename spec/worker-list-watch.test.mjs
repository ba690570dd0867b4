// `worker list --watch` repaints when the fleet's files change, not on its clock: with an
// hour between timed repaints, a worker that starts and one that ends still show at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { looopBg, waitFor } from './helpers.mjs';
import { sessionsDataDir, startWorker } from './sessions-helpers.mjs';
import { looop } from './helpers.mjs';

test('worker list --watch shows a worker that starts, and one that is killed, without waiting for its interval', async (t) => {
  const dir = sessionsDataDir(t, 'wl-watch');
  const w = looopBg(t, dir, ['worker', 'list', '-w', '-a', '--interval', '3600']);
  await waitFor(() => w.stdout.includes('fleet ·'), { what: 'the first paint', describe: () => w.stdout + w.stderr });
  const paints = () => w.stdout.split('fleet ·').length - 1;
  startWorker(t, dir, 'lw1', 'read -r _ # {{prompt_file}}');
  await waitFor(() => /lw1\s+\S+\s+running/.test(w.stdout.split('fleet ·').at(-1)), { what: 'a repaint showing lw1 running', describe: () => w.stdout.slice(-600) });
  const before = paints();
  assert.equal(looop(dir, ['kill', 'lw1']).code, 0);
  await waitFor(() => paints() > before && /lw1\s+killed\s+killed/.test(w.stdout.split('fleet ·').at(-1)), { what: 'a repaint showing lw1 killed', describe: () => w.stdout.slice(-600) });
  assert.equal(w.exited, null, 'the watch keeps running');
});
