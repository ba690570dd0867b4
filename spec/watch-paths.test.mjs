// The one watcher's multi-directory API (what the pulse sleeps on): real chokidar on a
// real temp dir. The rescan tick is pushed out of reach, so only watch events can pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { exitWithin, spawnBg, tempDataDir, waitFor } from './helpers.mjs';

const lib = await import('../dist/lib.mjs');
const NO_RESCAN = { env: {}, rescanMs: 600_000 };

/** A watch whose reports are collected; closed when the test ends. */
async function collect(t, targets, options = NO_RESCAN) {
  const reports = [];
  const w = await lib.watchPaths(targets, (paths) => reports.push(paths), options);
  t.after(() => w.close());
  return { w, reports, seen: () => reports.flat() };
}

test('watchPaths: a file in a directory created after the watch started is reported', async (t) => {
  const dir = tempDataDir(t);
  const goals = path.join(dir, 'goals');
  const { seen } = await collect(t, [{ dir: goals, names: (n) => n.endsWith('.md') }, { dir, names: (n) => n === 'PLAYBOOK.md' }]);
  // One report first: the watch has settled, so what follows is seen only through events.
  fs.writeFileSync(path.join(dir, 'PLAYBOOK.md'), 'p');
  await waitFor(() => seen().length > 0, { dir, what: 'PLAYBOOK.md to be reported', describe: () => JSON.stringify(seen()) });
  fs.mkdirSync(goals);
  fs.writeFileSync(path.join(goals, 'g1.md'), 'ship it\n');
  await waitFor(() => seen().includes(path.join(goals, 'g1.md')), { dir: goals, what: 'goals/g1.md to be reported', describe: () => JSON.stringify(seen()) });
  // Removed, then the directory itself removed and made again: still watched.
  fs.rmSync(goals, { recursive: true });
  await waitFor(() => seen().filter((p) => p.endsWith('g1.md')).length >= 2, { dir, what: 'the removal of g1.md to be reported', describe: () => JSON.stringify(seen()) });
  fs.mkdirSync(goals);
  fs.writeFileSync(path.join(goals, 'g2.md'), 'again\n');
  await waitFor(() => seen().includes(path.join(goals, 'g2.md')), { dir: goals, what: 'goals/g2.md in the re-made directory to be reported', describe: () => JSON.stringify(seen()) });
});

test('watchPaths: depth 1 reports sessions/<id>/session.json of sessions made after the watch started', async (t) => {
  const dir = tempDataDir(t);
  const sessions = path.join(dir, 'fleet'); // not sessions/: the temp dir's teardown reaps real sessions there
  const { seen } = await collect(t, [{ dir: sessions, depth: 1, names: (n) => n === 'session.json' }, { dir, names: (n) => n === 'PLAYBOOK.md' }]);
  fs.writeFileSync(path.join(dir, 'PLAYBOOK.md'), 'p');
  await waitFor(() => seen().length > 0, { dir, what: 'PLAYBOOK.md to be reported', describe: () => JSON.stringify(seen()) });
  fs.mkdirSync(path.join(sessions, 'w1'), { recursive: true });
  fs.writeFileSync(path.join(sessions, 'w1', 'output.log'), 'noise');
  fs.writeFileSync(path.join(sessions, 'w1', 'session.json'), '{"state":"running"}');
  const file = path.join(sessions, 'w1', 'session.json');
  await waitFor(() => seen().includes(file), { dir: path.join(sessions, 'w1'), what: 'sessions/w1/session.json to be reported', describe: () => JSON.stringify(seen()) });
  assert.ok(!seen().some((p) => p.endsWith('output.log')), `names filter: output.log must not be reported, saw ${JSON.stringify(seen())}`);
  fs.writeFileSync(file, '{"state":"exited"}');
  await waitFor(() => seen().filter((p) => p === file).length >= 2, { dir: path.join(sessions, 'w1'), what: 'the rewrite of session.json to be reported', describe: () => JSON.stringify(seen()) });
});

test('watchPaths: the final state of a burst of 50 writes is delivered', async (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'PLAYBOOK.md');
  fs.writeFileSync(file, 'start');
  let lastRead = null;
  const w = await lib.watchPaths([{ dir, names: (n) => n === 'PLAYBOOK.md' }], (paths) => {
    if (paths.includes(file)) lastRead = fs.readFileSync(file, 'utf8');
  }, NO_RESCAN);
  t.after(() => w.close());
  // Yield between writes, so reports interleave with the burst instead of following it.
  for (let i = 0; i < 50; i++) {
    fs.writeFileSync(file, `v${i}`);
    await new Promise((resolve) => setTimeout(resolve, i % 10 === 0 ? 15 : 0));
  }
  await waitFor(() => lastRead === 'v49', { dir, what: 'a report after which PLAYBOOK.md reads v49', describe: () => `last read after a report: ${JSON.stringify(lastRead)}` });
});

test('watchPaths: names that do not match are never reported', async (t) => {
  const dir = tempDataDir(t);
  const { reports } = await collect(t, [{ dir, names: (n) => n === 'PLAYBOOK.md' || n === '.next-wake.json' }]);
  fs.writeFileSync(path.join(dir, 'journal.md'), 'a line\n');
  fs.writeFileSync(path.join(dir, '.next-wake.json'), '{}');
  await waitFor(() => reports.length > 0, { dir, what: 'a report', describe: () => JSON.stringify(reports) });
  assert.deepEqual(reports.flat(), [path.join(dir, '.next-wake.json')]);
});

test('watchPaths polls by stat comparison under LOOOP_WATCH=poll, reporting only real changes', async (t) => {
  const dir = tempDataDir(t);
  const asks = path.join(dir, 'asks');
  fs.mkdirSync(asks);
  fs.writeFileSync(path.join(asks, 'old-1.json'), '{}');
  const { w, seen } = await collect(t, [{ dir: asks }], { env: { LOOOP_WATCH: 'poll', LOOOP_POLL_MS: '20' } });
  assert.equal(w.mode(), 'polling');
  fs.writeFileSync(path.join(asks, 'w-1.json'), '{}');
  await waitFor(() => seen().length > 0, { dir: asks, what: 'the poll to report asks/w-1.json', describe: () => JSON.stringify(seen()) });
  assert.deepEqual(seen(), [path.join(asks, 'w-1.json')], 'the file that was there before the watch is not a change');
});

test('openChangeFeed keeps changes between next() calls; next() ends empty at its deadline or abort', async (t) => {
  const dir = tempDataDir(t);
  const goals = path.join(dir, 'goals');
  const feed = await lib.openChangeFeed([{ dir: goals }, { dir: path.join(dir, 'schedules') }], NO_RESCAN);
  t.after(() => feed.close());
  fs.mkdirSync(goals);
  fs.writeFileSync(path.join(goals, 'a.md'), 'x');
  // Not waiting yet: the change is kept until asked for.
  const got = await feed.next({ withinMs: 60_000 });
  assert.ok(got.includes(path.join(goals, 'a.md')), JSON.stringify(got));
  assert.deepEqual(await feed.next({ withinMs: 1 }), []);
  const ac = new AbortController();
  const pending = feed.next({ signal: ac.signal });
  ac.abort();
  assert.deepEqual(await pending, []);
  fs.mkdirSync(path.join(dir, 'schedules'));
  fs.writeFileSync(path.join(dir, 'schedules', 'nightly.json'), '{}');
  const later = await feed.next({ withinMs: 60_000 });
  assert.ok(later.includes(path.join(dir, 'schedules', 'nightly.json')), JSON.stringify(later));
});

test('waitForChange resolves with the changed paths', async (t) => {
  const dir = tempDataDir(t);
  const p = lib.waitForChange([{ dir }], { ...NO_RESCAN, withinMs: 60_000 });
  // Armed before the write: the directory listing is the baseline, so keep writing until it lands.
  const file = path.join(dir, 'x');
  let n = 0;
  const writer = setInterval(() => fs.writeFileSync(file, String(n++)), 20);
  try {
    assert.deepEqual(await p, [file]);
  } finally {
    clearInterval(writer);
  }
});

test('watchPaths falls back to polling, saying so once, where no inotify instance can be made, and still reports', async (t) => {
  const dir = tempDataDir(t);
  const lib = new URL('../dist/lib.mjs', import.meta.url).href;
  const script = `const l = await import(${JSON.stringify(lib)});
    const w = await l.watchPaths([{ dir: ${JSON.stringify(path.join(dir, 'goals'))} }], (p) => { console.log(JSON.stringify(p)); w.close(); }, { env: { LOOOP_POLL_MS: '20' }, onFallback: (m) => console.error(m) });
    console.log(w.mode());`;
  const sh = 'echo 0 > /proc/sys/user/max_inotify_instances && exec "$0" "$@"';
  const p = spawnBg(t, dir, 'unshare', ['-U', '-r', 'sh', '-c', sh, process.execPath, '--input-type=module', '-e', script]);
  await waitFor(() => p.stdout.includes('polling') || p.exited !== null, { what: 'the watch to be armed in polling mode', describe: () => JSON.stringify(p) });
  fs.mkdirSync(path.join(dir, 'goals'));
  fs.writeFileSync(path.join(dir, 'goals', 'g.md'), 'g');
  const { code } = await exitWithin(p, 10_000, 'the polling watch to report goals/g.md');
  assert.equal(code, 0, p.stderr);
  assert.equal(p.stdout, `polling\n${JSON.stringify([path.join(dir, 'goals', 'g.md')])}\n`);
  const lines = p.stderr.trim().split('\n');
  assert.equal(lines.length, 1, p.stderr);
  assert.match(lines[0], /^cannot watch .* — polling every 20 ms instead$/);
});
