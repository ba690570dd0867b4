// config.json: absent → defaults; a good file is read; a broken one stops the caller
// with one line naming the file and is never replaced or rewritten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as lib from '../dist/lib.mjs';

const { config, paths: pathsLib } = lib;
import { tempDataDir } from './helpers.mjs';

const pathsFor = (dir) => pathsLib.resolvePaths({ LOOOP_DATA_DIR: dir }, '/');

test('config: no file → the built-in defaults (claude wiring, 60 s)', (t) => {
  const c = config.loadConfig(pathsFor(tempDataDir(t)));
  assert.equal(c.source, 'default');
  assert.equal(c.interval, 60);
  assert.equal(c.maxNextInterval, 300);
  assert.equal(c.sessionTtl, 259200);
  assert.match(c.tickCommand, /^claude -p /);
  assert.ok(!c.tickCommand.includes('{{prompt_file}}'), 'the default decide reads its prompt on stdin');
  assert.ok(c.workerCommand.includes('{{prompt_file}}'));
});

test('config: a good file is read; floats truncate, 0 s intervals clamp to 1 with a note, legacy keys still work', (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ tick_command: 'pi -p {{prompt_file}}', worker_command: 'pi @{{prompt_file}}', interval: 7.9, max_next_interval: 0, session_ttl: 0.5, runners: { x: {} } }));
  const c = config.loadConfig(pathsFor(dir));
  assert.equal(c.source, 'file');
  assert.equal(c.tickCommand, 'pi -p {{prompt_file}}');
  assert.equal(c.workerCommand, 'pi @{{prompt_file}}');
  assert.equal(c.interval, 7);
  assert.equal(c.maxNextInterval, 1);
  assert.equal(c.sessionTtl, 0, 'session_ttl 0 means reap at once, not clamped');
  assert.equal(c.notes.length, 1);
  assert.match(c.notes[0], /max_next_interval resolved to 0s/);
  fs.writeFileSync(file, JSON.stringify({ tick: 'codex exec -', interactive: 'codex "$(cat {{prompt_file}})"' }));
  const legacy = config.loadConfig(pathsFor(dir));
  assert.equal(legacy.tickCommand, 'codex exec -');
  assert.equal(legacy.workerCommand, 'codex "$(cat {{prompt_file}})"');
  assert.equal(legacy.interval, 60);
});

const broken = [
  ['corrupt JSON', '{"tick_command": "claude -p",', /is not valid JSON/],
  ['not an object', '["claude"]', /must hold a JSON object/],
  ['a number for a command', '{"tick_command": 42}', /has a number for "tick_command"/],
  ['an empty command', '{"worker_command": "  "}', /has an empty "worker_command"/],
  ['a string interval', '{"interval": "60"}', /has "60" for "interval"/],
  ['a boolean ttl', '{"session_ttl": true}', /has true for "session_ttl"/],
];

for (const [what, text, why] of broken) {
  test(`config: ${what} stops with one line naming the file; never defaults, file untouched`, (t) => {
    const dir = tempDataDir(t);
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, text, { mode: 0o600 });
    const before = fs.statSync(file);
    assert.throws(
      () => config.loadConfig(pathsFor(dir)),
      (e) => {
        assert.equal(e.code, 'CONFIG');
        assert.equal(e.exitCode, 1);
        assert.ok(e.message.includes(file), `names the file: ${e.message}`);
        assert.match(e.message, why);
        assert.ok(!e.message.includes('\n'), 'one line');
        assert.match(e.hint, /fix the file/);
        return true;
      },
    );
    assert.equal(fs.readFileSync(file, 'utf8'), text, 'the file is never rewritten');
    assert.equal(fs.statSync(file).mtimeMs, before.mtimeMs);
  });
}

test('config: a symlink or a directory at config.json is refused, not followed or defaulted', (t) => {
  const dir = tempDataDir(t);
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(path.join(dir, 'elsewhere.json'), '{}');
  fs.symlinkSync(path.join(dir, 'elsewhere.json'), file);
  assert.throws(() => config.loadConfig(pathsFor(dir)), (e) => e.code === 'CONFIG' && e.message.includes(file) && /symbolic link/.test(e.message));
  fs.unlinkSync(file);
  fs.mkdirSync(file);
  assert.throws(() => config.loadConfig(pathsFor(dir)), (e) => e.code === 'CONFIG' && /directory/.test(e.message));
});

test('runner label: the program after env assignments and a leading env [-flags]; "$VAR" labels as itself', () => {
  const { runnerLabel: rl } = lib;
  const cases = [
    ['claude -p --verbose', 'claude'],
    ['FOO=1 BAR=2 claude', 'claude'],
    ['env FOO=1 claude', 'claude'],
    ['env -i claude', 'claude'],
    ['"$LOOOP_TICK_BIN" -p', '"$LOOOP_TICK_BIN"'],
    ['RUST_LOG=debug env -i pi -p', 'pi'],
    ['9X=1 cmd', '9X=1'],
    ['_x9=whatever cmd -p', 'cmd'],
  ];
  for (const [cmd, label] of cases) assert.equal(rl.runnerLabel(cmd, 'w {{prompt_file}}'), label, cmd);
  assert.equal(rl.runnerLabel('FOO=1', 'pi @{{prompt_file}}'), 'pi', 'only assignments: the worker command labels');
  assert.equal(rl.runnerLabel('FOO=1', 'BAR=2'), 'runner');
  assert.equal(rl.runnerLabel(config.DEFAULT_TICK_COMMAND, config.DEFAULT_WORKER_COMMAND), 'claude');
});

test('config: a trailing `| looop _ fmt` seam is dropped on load; other pipelines are kept', (t) => {
  const { runnerLabel: rl } = lib;
  assert.equal(rl.stripFormatterSeam('pi -p --mode json | "$LOOOP_BIN" _ fmt'), 'pi -p --mode json');
  assert.equal(rl.stripFormatterSeam('claude -p | looop _fmt'), 'claude -p');
  assert.equal(rl.stripFormatterSeam('claude -p | /usr/local/bin/looop _ fmt'), 'claude -p');
  for (const keep of ['claude -p | jq .', 'claude -p | tee out.log', 'claude -p | grep looop_fmt', "claude -p | awk '/looop/ {print}' # _fmt", 'a || looop _ fmt']) {
    assert.equal(rl.stripFormatterSeam(keep), keep);
  }
  assert.ok(!/_ fmt|_fmt/.test(config.DEFAULT_TICK_COMMAND + config.DEFAULT_WORKER_COMMAND));
  const dir = tempDataDir(t);
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ tick_command: 'pi -p | "$LOOOP_BIN" _ fmt' }));
  assert.equal(config.loadConfig(pathsFor(dir)).tickCommand, 'pi -p');
  assert.match(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'), /_ fmt/, 'the file itself is left as written');
});
