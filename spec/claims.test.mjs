// claim / unclaim through the real built CLI: outcomes, exit codes, messages, and the
// files they leave. Liveness-dependent refusals need live sessions: see
// claims-sessions.test.mjs; the same paths with an injected liveness are in claims-lib.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { looop, looopAsync, readJson, tempDataDir } from './helpers.mjs';

const leaseOf = (dir, name) => readJson(path.join(dir, 'claims', `${name}.json`));
const bytesOf = (dir, name) => fs.readFileSync(path.join(dir, 'claims', `${name}.json`));
const claimFiles = (dir) => (fs.existsSync(path.join(dir, 'claims')) ? fs.readdirSync(path.join(dir, 'claims')).filter((f) => !f.startsWith('.')) : []);

test('claim creates a held lease and prints `claimed <name>`', (t) => {
  const dir = tempDataDir(t);
  const r = looop(dir, ['claim', 'repo-x', '--session', 'w1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'claimed repo-x\n');
  // No session w1 runs here: the claimer is told that its lease protects nothing.
  assert.equal(r.stderr, "looop: claim repo-x: session 'w1' is not live, so this lease is unprotected: anyone may take it\n");
  const lease = leaseOf(dir, 'repo-x');
  assert.equal(lease.machine, 'claim@1');
  assert.equal(lease.state, 'held');
  assert.equal(lease.rev, 1);
  assert.equal(lease.context.name, 'repo-x');
  assert.equal(lease.context.holder, 'w1');
  assert.equal(typeof lease.context.ts, 'number');
  assert.match(lease.context.nonce, /^\d+-\d+-[0-9a-f]+$/);
  assert.equal(fs.statSync(path.join(dir, 'claims', 'repo-x.json')).mode & 0o777, 0o600);
});

test('re-claiming your own claim succeeds and rewrites it with fresh bytes (new nonce, same since)', (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['claim', 'repo-x', '--session', 'w1']).code, 0);
  const before = bytesOf(dir, 'repo-x');
  const first = leaseOf(dir, 'repo-x');
  const r = looop(dir, ['claim', 'repo-x', '--session', 'w1']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '', 'already-owned is silent');
  const after = leaseOf(dir, 'repo-x');
  assert.notDeepEqual(bytesOf(dir, 'repo-x'), before);
  assert.equal(after.state, 'held');
  assert.equal(after.context.holder, 'w1');
  assert.equal(after.rev, first.rev + 1);
  assert.notEqual(after.context.nonce, first.context.nonce);
  assert.equal(after.context.since, first.context.since);
});

test('the owner defaults to $LOOOP_SESSION_ID, and --session overrides it', (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['claim', 'a'], { env: { LOOOP_SESSION_ID: 'w9' } }).code, 0);
  assert.equal(leaseOf(dir, 'a').context.holder, 'w9');
  assert.equal(looop(dir, ['claim', 'b', '--session', 'w2'], { env: { LOOOP_SESSION_ID: 'w9' } }).code, 0);
  assert.equal(leaseOf(dir, 'b').context.holder, 'w2');
  // An empty --session falls back to the environment rather than writing an empty holder.
  assert.equal(looop(dir, ['claim', 'c', '--session', ''], { env: { LOOOP_SESSION_ID: 'w9' } }).code, 0);
  assert.equal(leaseOf(dir, 'c').context.holder, 'w9');
});

test('the --session value is taken as typed, not as a number', (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['claim', 'n', '--session', '007']).code, 0);
  assert.equal(leaseOf(dir, 'n').context.holder, '007');
  assert.equal(looop(dir, ['claim', 'm', '--session=1e3']).code, 0);
  assert.equal(leaseOf(dir, 'm').context.holder, '1e3');
});

test('claim with no session id is refused, mentions --session, and writes nothing', (t) => {
  const dir = tempDataDir(t);
  for (const args of [['claim', 'repo-x'], ['claim', 'repo-x', '--session', '']]) {
    const r = looop(dir, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stderr, /^looop: claim repo-x: no session id/);
    assert.match(r.stderr, /--session/);
    assert.equal(r.stdout, '');
    assert.deepEqual(claimFiles(dir), []);
  }
});

test('a name after --session is the claim name, not the flag value', (t) => {
  const dir = tempDataDir(t);
  const r = looop(dir, ['claim', '--session', 'w1', 'repo-q']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'claimed repo-q\n');
  assert.deepEqual(claimFiles(dir), ['repo-q.json']);
  assert.equal(leaseOf(dir, 'repo-q').context.holder, 'w1');
});

test('unsafe claim names and session ids are refused and nothing is written', async (t) => {
  const dir = tempDataDir(t);
  const bad = ['..', '../x', 'a/b', '.hidden', 'a\\b', 'a b', 'tab\there', 'nl\nx', 'esc\x1bx', 'del\x7fx', ' '];
  const names = bad.flatMap((name) => ['claim', 'unclaim'].map((verb) => [verb, name]));
  const sessions = ['../w1', 'w 1', 'w\x1b1', '.w1'];
  // Independent refusals: run side by side.
  const [byName, bySession] = await Promise.all([
    Promise.all(names.map(([verb, name]) => looopAsync(dir, [verb, name, '--session', 'w1']))),
    Promise.all(sessions.map((session) => looopAsync(dir, ['claim', 'ok', '--session', session]))),
  ]);
  names.forEach(([verb, name], i) => {
    assert.equal(byName[i].code, 1, `${verb} ${JSON.stringify(name)} must be refused`);
    assert.match(byName[i].stderr, /^looop: invalid claim name /, JSON.stringify(name));
  });
  sessions.forEach((session, i) => {
    assert.equal(bySession[i].code, 1, `session ${JSON.stringify(session)} must be refused`);
    assert.match(bySession[i].stderr, /^looop: invalid session id /);
  });
  assert.deepEqual(claimFiles(dir), []);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f !== 'claims'), [], 'nothing escaped into the data dir');
  assert.equal(fs.existsSync(path.join(path.dirname(dir), 'x.json')), false, 'nothing escaped the data dir');
});

test('unclaim by the holder releases; a second unclaim and an unclaim of nothing succeed silently', (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['unclaim', 'never', '--session', 'w1']).code, 0, 'nothing to release is fine');
  assert.deepEqual(claimFiles(dir), [], 'unclaim of nothing creates nothing');
  assert.equal(looop(dir, ['claim', 'repo-x', '--session', 'w1']).code, 0);
  const r = looop(dir, ['unclaim', 'repo-x'], { env: { LOOOP_SESSION_ID: 'w1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'unclaimed repo-x\n');
  const lease = leaseOf(dir, 'repo-x');
  assert.equal(lease.state, 'released');
  assert.equal(lease.context.releasedBy, 'w1');
  const bytes = bytesOf(dir, 'repo-x');
  const again = looop(dir, ['unclaim', 'repo-x', '--session', 'w1']);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, '');
  assert.deepEqual(bytesOf(dir, 'repo-x'), bytes, 'an idempotent unclaim writes nothing');
});

test('a released claim is taken by the next claimer, recording the previous tenancy', (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['claim', 'repo-x', '--session', 'w1']).code, 0);
  assert.equal(looop(dir, ['unclaim', 'repo-x', '--session', 'w1']).code, 0);
  const r = looop(dir, ['claim', 'repo-x', '--session', 'w2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'claimed repo-x\n');
  const lease = leaseOf(dir, 'repo-x');
  assert.equal(lease.state, 'held');
  assert.equal(lease.context.holder, 'w2');
  assert.equal(lease.context.previous.holder, 'w1');
  assert.equal(lease.context.previous.ended, 'released');
});

test('a claim held by a session that never existed is not alive, so it is reclaimed', (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['claim', 'repo-x', '--session', 'ghost']).code, 0);
  const r = looop(dir, ['claim', 'repo-x', '--session', 'w2']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'claimed repo-x\n');
  const lease = leaseOf(dir, 'repo-x');
  assert.equal(lease.state, 'held');
  assert.equal(lease.context.holder, 'w2');
  assert.deepEqual([lease.context.previous.holder, lease.context.previous.ended], ['ghost', 'reaped']);
  assert.equal(lease.rev, 2, 'reaped and re-taken in one published revision');
});

test('unclaim of a dead holder\'s claim releases it, with or without a session of your own', (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['claim', 'a', '--session', 'ghost']).code, 0);
  assert.equal(looop(dir, ['claim', 'b', '--session', 'ghost']).code, 0);
  const r1 = looop(dir, ['unclaim', 'a', '--session', 'w2']);
  assert.equal(r1.code, 0, r1.stderr);
  assert.equal(leaseOf(dir, 'a').state, 'released');
  assert.equal(leaseOf(dir, 'a').context.releasedBy, 'w2');
  const r2 = looop(dir, ['unclaim', 'b']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(leaseOf(dir, 'b').state, 'released');
  assert.equal(leaseOf(dir, 'b').context.releasedBy, null);
});

test('corrupt, hand-edited, foreign and newer claim files are reported in one line and left untouched', async (t) => {
  const dir = tempDataDir(t);
  assert.equal(looop(dir, ['claim', 'model', '--session', 'w1']).code, 0);
  const good = leaseOf(dir, 'model');
  const cases = {
    'bad-json': ['{"v": 1, "machine": ', /not valid JSON/],
    empty: ['', /the file is empty/],
    binary: [Buffer.from([0, 159, 146, 150, 255, 0, 1]), /not valid JSON/],
    'wrong-types': [JSON.stringify({ ...good, context: { ...good.context, holder: 42 } }), /context\.holder must be a string/],
    'bad-state': [JSON.stringify({ ...good, state: 'stolen' }), /"state" must be one of/],
    foreign: [JSON.stringify({ ...good, machine: 'ask@1' }), /"ask@1"/],
    newer: [JSON.stringify({ ...good, v: 2 }), /upgrade looop/],
    'newer-machine': [JSON.stringify({ ...good, machine: 'claim@7' }), /upgrade looop/],
    'old-format': [JSON.stringify({ name: 'old-format', session: 'w1', ts: 1, nonce: '1-1' }), /missing envelope version/],
  };
  const runs = [];
  for (const [name, [body, problem]] of Object.entries(cases)) {
    const file = path.join(dir, 'claims', `${name}.json`);
    fs.writeFileSync(file, body);
    for (const [verb, session] of [['claim', 'w1'], ['unclaim', 'w1'], ['claim', 'w2']]) runs.push({ name, problem, file, before: fs.readFileSync(file), verb, session });
  }
  // Every run refuses and writes nothing, so they can all run side by side.
  const results = await Promise.all(runs.map(({ verb, name, session }) => looopAsync(dir, [verb, name, '--session', session])));
  runs.forEach(({ name, problem, file, before, verb }, i) => {
    const r = results[i];
    assert.equal(r.code, 1, `${verb} ${name}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${verb} ${name}: one line, got ${JSON.stringify(r.stderr)}`);
    assert.match(lines[0], new RegExp(`^looop: ${verb} ${name}: claims/${name}\\.json: `));
    assert.match(lines[0], problem, `${verb} ${name}`);
    assert.match(lines[0], /fix or remove it by hand|upgrade looop/, 'says what to do');
    assert.deepEqual(fs.readFileSync(file), before, `${verb} ${name} left the file untouched`);
  });
});

test('a claim file that is a symlink is refused and left alone', (t) => {
  const dir = tempDataDir(t);
  const outside = path.join(dir, 'outside.json');
  fs.writeFileSync(outside, 'secret');
  fs.mkdirSync(path.join(dir, 'claims'), { recursive: true });
  fs.symlinkSync(outside, path.join(dir, 'claims', 'link.json'));
  const r = looop(dir, ['claim', 'link', '--session', 'w1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^looop: claim link: claims\/link\.json: is a symbolic link/);
  assert.equal(fs.readFileSync(outside, 'utf8'), 'secret');
  assert.ok(fs.lstatSync(path.join(dir, 'claims', 'link.json')).isSymbolicLink());
});

test('claim --help prints usage and writes nothing', (t) => {
  const dir = tempDataDir(t);
  const r = looop(dir, ['claim', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--session/);
  assert.equal(fs.existsSync(path.join(dir, 'claims')), false);
});

test('claim without a name is a usage error', (t) => {
  const dir = tempDataDir(t);
  const r = looop(dir, ['claim', '--session', 'w1']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /usage: looop claim/);
});

test('a claim for a session that does not exist says the lease is unprotected; whoever takes it over says whose it was', (t) => {
  const dir = tempDataDir(t);
  let r = looop(dir, ['claim', 'foo', '--session', 'ghost']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'claimed foo\n');
  assert.equal(r.stderr, "looop: claim foo: session 'ghost' is not live, so this lease is unprotected: anyone may take it\n");
  r = looop(dir, ['claim', 'foo', '--session', 'next']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'claimed foo\n');
  assert.equal(
    r.stderr,
    "looop: claim foo: took over a stale lease from session 'ghost', which is not live\n" +
      "looop: claim foo: session 'next' is not live, so this lease is unprotected: anyone may take it\n",
  );
  assert.equal(leaseOf(dir, 'foo').context.holder, 'next');
});

test('a lease whose holder has a corrupt session record stays held, and claim says the record is corrupt and how to repair it', (t) => {
  const dir = tempDataDir(t);
  fs.mkdirSync(path.join(dir, 'sessions', 'bad'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'sessions', 'bad', 'session.json'), '{"v": 1, "machine": ');
  let r = looop(dir, ['claim', 'foo', '--session', 'bad']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^looop: claim foo: cannot tell whether session 'bad' is live \(sessions\/bad\/session\.json: not valid JSON/);
  const before = bytesOf(dir, 'foo');
  for (const verb of ['claim', 'unclaim']) {
    r = looop(dir, [verb, 'foo', '--session', 'other']);
    assert.equal(r.code, 1, `${verb}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /live session/, `${verb} does not call the holder live`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0], new RegExp(`^looop: ${verb} foo: held by session 'bad', but its session record is corrupt, so looop cannot tell whether it is live; the lease stays held: sessions/bad/session\\.json: not valid JSON`));
    assert.equal(lines[1], "  repair sessions/bad/session.json, or, if no worker 'bad' is running, remove sessions/bad to free its leases");
    assert.equal(lines.length, 2);
  }
  assert.deepEqual(bytesOf(dir, 'foo'), before, 'the lease was not taken');
});
