// `screenshot` shows the emulated screen — colours, cursor moves, wide characters,
// the recorded geometry — live from the host, after exit from the saved final
// frame, and from a replay of output.log when the host died without one. A 50 MB
// flood is parsed without loss (flow control) and shown the same all three ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as lib from '../dist/lib.mjs';
import { FIXTURES, looop } from './helpers.mjs';
import { writeFlood } from '../fixtures/flood.mjs';
import { inboxRequest, record, sessionDir, startWorker, waitOutput, waitState, sessionsDataDir } from './sessions-helpers.mjs';

const SCREEN = [
  'RED plain green-bg',
  'rgb idx201',
  '日本語テキスト|',
  'emoji 😀✅ end|',
  '',
  '         at-6-10',
  '',
  'OVERwrite-me',
];

function shot(dir, id, ...args) {
  const r = looop(dir, ['screenshot', id, ...args]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

function json(dir, id) {
  return JSON.parse(shot(dir, id, '--json'));
}

test('colours, cursor moves and wide characters, live, from the final frame, and replayed', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 's1', `bash ${FIXTURES}/agents/screen.sh {{prompt_file}}`);
  await waitOutput(dir, 's1', /OVER\x1b\[10;5H$/);

  assert.equal(shot(dir, 's1'), `${SCREEN.join('\n')}\n`);
  assert.equal(shot(dir, 's1', '--plain', '--no-trim').split('\n').length, 24 + 1, 'untrimmed: all 24 rows');
  const ansi = shot(dir, 's1', '--ansi');
  assert.ok(ansi.startsWith('\x1b[0;1;31mRED\x1b[0m plain \x1b[0;42mgreen-bg\x1b[0m\n'), JSON.stringify(ansi.slice(0, 80)));
  assert.match(ansi, /\x1b\[0;38;2;255;128;0mrgb\x1b\[0m \x1b\[0;38;5;201midx201\x1b\[0m/);
  const live = json(dir, 's1');
  assert.equal(live.source, 'live');
  assert.deepEqual([live.rows, live.cols], [24, 80]);
  assert.deepEqual(live.cursor, { row: 9, col: 4, hidden: false });
  assert.equal(live.text, SCREEN.join('\n'));
  const cell = (row, col) => live.cells.find((c) => c.row === row && c.col === col);
  assert.deepEqual(cell(0, 0), { row: 0, col: 0, char: 'R', fg: 'idx1', bold: true });
  assert.deepEqual(cell(1, 0), { row: 1, col: 0, char: 'r', fg: '#ff8000' });
  assert.equal(cell(0, 10).bg, 'idx2');
  // Unicode 11 widths: each CJK character and each emoji takes two cells.
  assert.deepEqual(cell(2, 2), { row: 2, col: 2, char: '本', width: 2 });
  assert.equal(cell(2, 14).char, '|');
  assert.deepEqual(cell(3, 6), { row: 3, col: 6, char: '😀', width: 2 });
  assert.deepEqual(cell(3, 8), { row: 3, col: 8, char: '✅', width: 2 });
  assert.equal(cell(3, 11).char, 'e');

  // Feed it a line, then let it exit on its own: the final frame is what the host saw last.
  assert.equal(looop(dir, ['send', 's1', 'hello 世界']).code, 0);
  await waitOutput(dir, 's1', /got hello 世界\x1b\[10;5H$/);
  const before = json(dir, 's1');
  assert.match(before.text, /\n    hello 世界\n\ngot hello 世界$/, 'the terminal echoed the typed line where the cursor was');
  assert.equal(looop(dir, ['send', 's1', 'bye']).code, 0);
  const rec = await waitState(dir, 's1', 'exited');
  assert.equal(rec.context.exitCode, 7);
  const final = json(dir, 's1');
  assert.equal(final.source, 'final');
  assert.equal(final.text, before.text);
  assert.equal(final.screen_hash, before.screen_hash);
  assert.deepEqual(final.cursor, before.cursor);
  const finalAnsi = shot(dir, 's1', '--ansi');

  fs.rmSync(path.join(sessionDir(dir, 's1'), 'screen.final.json'));
  const replay = json(dir, 's1');
  assert.equal(replay.source, 'replay');
  assert.equal(replay.text, before.text);
  assert.equal(replay.screen_hash, before.screen_hash);
  assert.deepEqual(replay.cursor, before.cursor);
  assert.equal(shot(dir, 's1', '--ansi'), finalAnsi, 'the replayed colours match too');
});

test('a resize is recorded with its log offset, so the replay uses the right geometry', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'r1', `printf 'first line at 80 columns\\n'; read -r _; printf '%s\\n' "$(tput cols)x$(tput lines) after resize"; printf 'wrapped: %s\\n' "$(printf 'x%.0s' $(seq 1 50))"; read -r _ # {{prompt_file}}`);
  await waitOutput(dir, 'r1', /first line at 80 columns/);
  const reply = await inboxRequest(lib, dir, 'r1', { op: 'resize', cols: 40, rows: 10 });
  assert.deepEqual(reply, { v: 1, ok: true, data: { cols: 40, rows: 10 } });
  assert.deepEqual([record(dir, 'r1').context.cols, record(dir, 'r1').context.rows], [40, 10], 'the record carries the geometry');
  assert.equal(looop(dir, ['send', 'r1', 'go']).code, 0);
  await waitOutput(dir, 'r1', /wrapped: x+\r?\n?x*\r\n$/);
  const live = json(dir, 'r1');
  assert.deepEqual([live.cols, live.rows], [40, 10]);
  assert.match(live.text, /40x10 after resize/);
  assert.equal(looop(dir, ['kill', 'r1']).code, 0);
  fs.rmSync(path.join(sessionDir(dir, 'r1'), 'screen.final.json'));
  const replay = json(dir, 'r1');
  assert.equal(replay.source, 'replay');
  assert.deepEqual([replay.cols, replay.rows], [40, 10]);
  assert.equal(replay.text, live.text, 'replayed at 80×24 then 40×10, exactly as it ran');
});

test('a 50 MB flood is shown correctly live, after exit, and replayed — nothing dropped', async (t) => {
  const dir = sessionsDataDir(t);
  const flood = path.join(dir, 'flood.txt');
  const n = writeFlood(flood);
  const bytes = fs.statSync(flood).size;
  startWorker(t, dir, 'f1', `cat flood.txt; echo FLOOD-END; read -r _ # {{prompt_file}}`);
  // 50 MB through a PTY and a terminal emulator: minutes on a machine that is very busy.
  await waitOutput(dir, 'f1', /FLOOD-END\r\n$/, 180_000);
  const expectTail = (text) => {
    const lines = text.split('\n');
    assert.equal(lines.length, 24);
    assert.equal(lines[22], 'FLOOD-END');
    for (let i = 0; i < 22; i++) assert.equal(lines[i], `line ${String(n - 22 + i).padStart(8, '0')} 日本語 😀 ${'x'.repeat(40)}`);
  };
  const live = json(dir, 'f1');
  expectTail(live.text.concat('\n'));
  const log = fs.statSync(path.join(sessionDir(dir, 'f1'), 'output.log')).size;
  assert.equal(log, bytes + n + 'FLOOD-END\r\n'.length, 'every byte reached output.log (one CR added per LF by the terminal)');

  assert.equal(looop(dir, ['kill', 'f1']).code, 0);
  await waitState(dir, 'f1', 'killed');
  const final = json(dir, 'f1');
  assert.equal(final.source, 'final');
  assert.equal(final.screen_hash, live.screen_hash);
  fs.rmSync(path.join(sessionDir(dir, 'f1'), 'screen.final.json'));
  const t0 = performance.now();
  const replay = json(dir, 'f1');
  const ms = performance.now() - t0;
  assert.equal(replay.source, 'replay');
  assert.equal(replay.screen_hash, live.screen_hash);
  t.diagnostic(`replay of a ${(log / 1048576).toFixed(1)} MB log: ${ms.toFixed(0)} ms`);
  assert.doesNotMatch(fs.readFileSync(path.join(sessionDir(dir, 'f1'), 'host.log'), 'utf8'), /discard/i);
});
