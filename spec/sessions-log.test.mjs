// `log` prints a session's transcript with escape codes stripped (or raw), its
// last N lines, or follows it until the session ends — without splitting a UTF-8
// character or an escape sequence across reads. Also the pure pieces: the
// incremental stripper, the drain-marker scanner and the attach detach chord.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as lib from '../dist/lib.mjs';
import { looop, looopBg, exitWithin, waitFor } from './helpers.mjs';
import { startWorker, waitOutput, sessionsDataDir } from './sessions-helpers.mjs';

test('log strips escapes, --tail keeps the last lines, --raw keeps the bytes', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'l1', `printf '\\033[31mone\\033[0m\\n\\033]0;title\\007two 日本\\n\\033[2Kthree\\n'; echo done # {{prompt_file}}`);
  await waitOutput(dir, 'l1', /done/);
  let r = looop(dir, ['log', 'l1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'one\ntwo 日本\nthree\ndone\n');
  r = looop(dir, ['log', 'l1', '--tail', '2']);
  assert.equal(r.stdout, 'three\ndone\n');
  r = looop(dir, ['log', 'l1', '--tail', '0']);
  assert.equal(r.stdout, '');
  r = looop(dir, ['log', 'l1', '--raw', '--tail', '3']);
  assert.equal(r.stdout, '\x1b]0;title\x07two 日本\r\n\x1b[2Kthree\r\ndone\r\n');
  r = looop(dir, ['log', 'nobody']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: log nobody: no such session/);
  r = looop(dir, ['log', 'l1', '--tail', 'x']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--tail needs a whole number/);
});

test('log --follow prints what arrives and ends when the session ends', async (t) => {
  const dir = sessionsDataDir(t);
  startWorker(t, dir, 'l2', `stty -echo; echo start; while IFS= read -r l; do [ "$l" = quit ] && exit 0; printf '\\033[1m%s\\033[0m\\n' "$l"; done # {{prompt_file}}`);
  await waitOutput(dir, 'l2', /start/);
  const f = looopBg(t, dir, ['log', 'l2', '--follow']);
  await waitFor(() => f.stdout.includes('start\n'), { ms: 10_000, what: 'the log so far', describe: () => JSON.stringify(f.stdout) });
  assert.equal(looop(dir, ['send', 'l2', 'héllo 😀']).code, 0);
  await waitFor(() => f.stdout.includes('héllo 😀\n'), { ms: 10_000, what: 'the new line, stripped', describe: () => JSON.stringify(f.stdout) });
  assert.equal(looop(dir, ['send', 'l2', 'quit']).code, 0);
  const { code } = await exitWithin(f, 10_000, 'log --follow to end with the session');
  assert.equal(code, 0);
  assert.equal(f.stdout, 'start\nhéllo 😀\n');
});

test('the stripper survives escape sequences and UTF-8 characters split at any byte', () => {
  const bytes = Buffer.from('a\x1b[1;31mred\x1b[0m é😀 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\\r\nz\rq');
  const want = 'ared é😀 link\nz\rq';
  for (let cut = 0; cut <= bytes.length; cut++) {
    const s = new lib.AnsiStripper();
    const got = s.push(bytes.subarray(0, cut)) + s.push(bytes.subarray(cut)) + s.end();
    assert.equal(got, want, `split at byte ${cut}`);
  }
});

test('the drain marker is found and cut out wherever the chunks split it', () => {
  const marker = Buffer.from('\x1b]7771;looop-drain;abc\x07');
  const stream = Buffer.concat([Buffer.from('before\x1b[0m\x1b]'), marker, Buffer.from('after\x1b')]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const sc = new lib.MarkerScanner(marker);
    const a = sc.push(stream.subarray(0, cut));
    const b = sc.push(stream.subarray(cut));
    const rest = sc.flush();
    assert.equal(a.found + b.found, 1, `found once when split at ${cut}`);
    assert.equal(Buffer.concat([a.data, b.data, rest]).toString('latin1'), 'before\x1b[0m\x1b]after\x1b', `split at ${cut}`);
  }
});

test('detach needs Ctrl-\\ twice in a row; a lone one is passed through with the next key', () => {
  const d = new lib.DetachDetector();
  assert.deepEqual(d.feed(Buffer.from('ab')), { forward: Buffer.from('ab'), detach: false });
  assert.deepEqual(d.feed(Buffer.from('\x1c')), { forward: Buffer.alloc(0), detach: false });
  assert.deepEqual(d.feed(Buffer.from('x')), { forward: Buffer.from('\x1cx'), detach: false });
  assert.deepEqual(d.feed(Buffer.from('q\x1c')), { forward: Buffer.from('q'), detach: false });
  assert.deepEqual(d.feed(Buffer.from('\x1c')), { forward: Buffer.alloc(0), detach: true });
  // Kitty's keyboard protocol spells Ctrl-\ as CSI 92;5u.
  assert.equal(new lib.DetachDetector().feed(Buffer.from('\x1b[92;5u\x1b[92;5u')).detach, true);
});
