// `looop init`: the runner presets written from flags (the README's examples, exactly),
// the refusals (an existing config without --force, a worker command without
// {{prompt_file}}, no terminal and no flags, a read-only path: each one line, nothing
// written), and the wizard in a real terminal (tmux) at two sizes: pick with the arrow
// keys and confirm, or back out with Ctrl-C (exit 130, nothing written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, ROOT, envFor, looop, looopAsync, readJson, tempDataDir, waitFor, waitForFile } from './helpers.mjs';

/** The config.json examples of the README's "Switch to a real runner" section, by runner. */
function readmePresets() {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const presets = {};
  for (const m of readme.matchAll(/^\*\*(claude|codex|opencode|pi)\*\*[^\n]*\n\n```json\n([\s\S]*?)\n```/gm)) presets[m[1]] = JSON.parse(m[2]);
  assert.deepEqual(Object.keys(presets).sort(), ['claude', 'codex', 'opencode', 'pi'], 'the README shows the four presets');
  return presets;
}

const configOf = (dir) => path.join(dir, 'config.json');
const modeOf = (file) => fs.statSync(file).mode & 0o777;

test('each --runner preset writes the README\'s config (0600), seeds the layout, prints the next steps, and `up` is past "not initialized"', async (t) => {
  const presets = readmePresets();
  const runs = await Promise.all(
    Object.keys(presets).map(async (runner) => {
      const dir = tempDataDir(t);
      return { runner, dir, r: await looopAsync(dir, ['init', '--runner', runner]) };
    }),
  );
  for (const { runner, dir, r } of runs) {
    assert.equal(r.code, 0, `${runner}: ${r.stderr}`);
    assert.equal(r.stderr, '', runner);
    assert.deepEqual(readJson(configOf(dir)), presets[runner], `${runner}: the config is the README's example`);
    assert.equal(modeOf(configOf(dir)), 0o600, `${runner}: config.json is 0600`);
    assert.ok(fs.existsSync(path.join(dir, 'PLAYBOOK.md')) && fs.existsSync(path.join(dir, 'asks', 'setup-1.json')), `${runner}: the layout is seeded`);
    assert.ok(r.stdout.includes(`Wrote ${configOf(dir)} (runner: ${runner}).`), r.stdout);
    for (const step of ['looop up', 'looop log pulse --follow', 'looop state']) assert.match(r.stdout, new RegExp(`^  ${step} `, 'm'), `${runner}: next step ${step}`);
    assert.ok(!fs.existsSync(`${configOf(dir)}.bak`), 'nothing to back up');
  }
  const up = looop(runs[0].dir, ['up'], { env: { PATH: '/nonexistent' } });
  assert.equal(up.code, 1);
  assert.doesNotMatch(up.stderr, /not initialized/, 'after init, `up` goes on to check the runner');
  const fresh = looop(tempDataDir(t), ['up']);
  assert.match(fresh.stderr, /^looop: not initialized .*\n  run `looop init`/, 'before init, `up` names `looop init`');
});

test('an existing config is replaced only with --force, kept as config.json.bak with its other settings carried over', (t) => {
  const dir = tempDataDir(t);
  const old = '{\n  "tick_command": "mytick --x",\n  "worker_command": "myworker {{prompt_file}}",\n  "session_ttl": 5\n}\n';
  fs.writeFileSync(configOf(dir), old);
  const refused = looop(dir, ['init', '--runner', 'codex']);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, `looop: init: ${configOf(dir)} already exists — pass --force to replace it (the old one is kept as ${configOf(dir)}.bak)\n`);
  assert.equal(fs.readFileSync(configOf(dir), 'utf8'), old, 'the config is untouched');
  assert.deepEqual(fs.readdirSync(dir), ['config.json'], 'nothing else was written');

  const forced = looop(dir, ['init', '--runner', 'codex', '--force']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(fs.readFileSync(`${configOf(dir)}.bak`, 'utf8'), old, 'the old config is kept byte for byte');
  const now = readJson(configOf(dir));
  assert.equal(now.tick_command, readmePresets().codex.tick_command);
  assert.equal(now.session_ttl, 5, 'other settings are carried over');
  assert.match(forced.stdout, /Kept from it: session_ttl\./);

  // A config that is not JSON is named as such, and kept as the backup when replaced.
  fs.writeFileSync(configOf(dir), '{nope');
  const broken = looop(dir, ['init', '--runner', 'pi']);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /^looop: init: \S+config\.json is not valid JSON \(.*\) — pass --force to replace it/);
  assert.equal(looop(dir, ['init', '--runner', 'pi', '--force']).code, 0);
  assert.equal(fs.readFileSync(`${configOf(dir)}.bak`, 'utf8'), '{nope');

  // A symlink at config.json is the person's to sort out, even with --force.
  const linked = tempDataDir(t);
  fs.symlinkSync(configOf(dir), configOf(linked));
  const sym = looop(linked, ['init', '--runner', 'pi', '--force']);
  assert.equal(sym.code, 1);
  assert.match(sym.stderr, /^looop: config \S+config\.json is a symbolic link.*\n  move it aside/);
  assert.deepEqual(fs.readdirSync(linked), ['config.json']);
});

test('a worker command without {{prompt_file}}, a custom runner without its commands, and no terminal without flags: one line, nothing written', async (t) => {
  const dirs = [tempDataDir(t), tempDataDir(t), tempDataDir(t), tempDataDir(t)];
  const [bad, custom, none, unknown] = await Promise.all([
    looopAsync(dirs[0], ['init', '--runner', 'claude', '--worker-command', 'claude --model opus']),
    looopAsync(dirs[1], ['init', '--runner', 'custom', '--tick-command', 'mytick']),
    looopAsync(dirs[2], ['init']),
    looopAsync(dirs[3], ['init', '--runner', 'gpt']),
  ]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^looop: the worker command must contain \{\{prompt_file\}\} .*: "claude --model opus"\n/);
  assert.equal(custom.code, 1);
  assert.match(custom.stderr, /^looop: init: --runner custom needs both --tick-command and --worker-command\n/);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'looop: init: no terminal to ask on — pass --runner claude|codex|opencode|pi|custom (and --tick-command/--worker-command for custom)\n');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^looop: init: unknown runner "gpt" \(claude, codex, opencode, pi, custom\)\n/);
  for (const d of dirs) assert.deepEqual(fs.readdirSync(d), [], `${d}: nothing written`);

  const dir = tempDataDir(t);
  const ok = looop(dir, ['init', '--runner', 'custom', '--tick-command', 'mytick --x', '--worker-command', 'myworker @{{prompt_file}}']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(readJson(configOf(dir)), { tick_command: 'mytick --x', worker_command: 'myworker @{{prompt_file}}', interval: 60 });
  assert.match(ok.stdout, /\(runner: custom\)/);
});

/** Runs the CLI with `mountpoint` bind-mounted read-only (chmod cannot stop root; a read-only mount stops everyone). */
function looopReadOnly(mountpoint, env, args) {
  const setup = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0"';
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', `${setup} && exec "$@"`, mountpoint, process.execPath, BIN, ...args], { env, encoding: 'utf8', timeout: 20_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a read-only config path: one line naming it, and nothing written anywhere', (t) => {
  const dir = tempDataDir(t);
  const r = looopReadOnly(dir, envFor(dir), ['init', '--runner', 'claude']);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.split('\n')[0], `looop: cannot write ${configOf(dir)}: the filesystem is read-only — nothing was written`);
  assert.deepEqual(fs.readdirSync(dir), []);

  // LOOOP_CONFIG on a read-only mount, the data dir writable: the data dir is not seeded either.
  const roDir = tempDataDir(t, 'ro');
  const data = tempDataDir(t);
  const cfg = path.join(roDir, 'looop.json');
  const r2 = looopReadOnly(roDir, envFor(data, { LOOOP_CONFIG: cfg }), ['init', '--runner', 'pi']);
  assert.equal(r2.code, 1, r2.stderr);
  assert.equal(r2.stderr.split('\n')[0], `looop: cannot write ${cfg}: the filesystem is read-only — nothing was written`);
  assert.deepEqual(fs.readdirSync(data), [], 'the data dir was not seeded');
  assert.deepEqual(fs.readdirSync(roDir), []);
});

// --- the wizard, in a real terminal ---

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

function tmux(sock, ...args) {
  const r = spawnSync('tmux', ['-L', sock, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Starts `looop init` in a tmux pane of cols×rows; the exit code lands in the returned file. */
let panes = 0;
function wizard(t, dir, cols, rows) {
  const sock = `looop-init-${process.pid}-${++panes}`;
  const side = tempDataDir(t, 'init-rc');
  const rcFile = path.join(side, 'rc');
  const cmd = `env -u TMUX LOOOP_DATA_DIR='${dir}' '${process.execPath}' '${BIN}' init; echo $? > '${rcFile}.tmp'; mv '${rcFile}.tmp' '${rcFile}'; exec sleep 100000`;
  tmux(sock, '-f', '/dev/null', 'new-session', '-d', '-x', String(cols), '-y', String(rows), '-s', 'main', cmd);
  t.after(() => spawnSync('tmux', ['-L', sock, 'kill-server']));
  const pane = () => tmux(sock, 'capture-pane', '-p', '-t', 'main');
  return {
    keys: (...k) => tmux(sock, 'send-keys', '-t', 'main', ...k),
    pane,
    screen: (check, what) => waitFor(() => check(pane()), { ms: 20_000, what: `the screen to show ${what}`, describe: () => JSON.stringify(pane()) }),
    exitCode: async () => {
      await waitForFile(rcFile, 20_000);
      return Number(fs.readFileSync(rcFile, 'utf8').trim());
    },
  };
}

for (const [cols, rows, downs, runner, abortKey] of [
  [80, 24, 2, 'opencode', 'C-c'],
  [120, 40, 3, 'pi', 'Escape'],
]) {
  test(`wizard at ${cols}x${rows}: the arrow keys pick ${runner}, its commands are shown, a bad worker command is re-asked, confirm writes it`, { skip: !hasTmux && 'tmux is not installed' }, async (t) => {
    const dir = tempDataDir(t);
    const preset = readmePresets()[runner];
    const w = wizard(t, dir, cols, rows);
    await w.screen((p) => p.includes('Which agent runs the loop?') && /claude/.test(p) && /custom/.test(p), 'the runner menu');
    w.keys(...Array(downs).fill('Down'), 'Enter');
    await w.screen((p) => p.includes('Tick command') && p.includes(preset.tick_command.slice(0, 30)), `the ${runner} tick command, ready to edit`);
    w.keys('Enter');
    await w.screen((p) => p.includes('Worker command') && p.includes(preset.worker_command.slice(0, 20)), `the ${runner} worker command`);
    // Clear it and type one without the placeholder: the prompt says why and stays.
    w.keys('-N', String(preset.worker_command.length + 5), 'BSpace');
    w.keys('-l', `${runner} --go`);
    w.keys('Enter');
    await w.screen((p) => p.includes('must contain {{prompt_file}}'), 'the {{prompt_file}} refusal');
    assert.ok(!fs.existsSync(configOf(dir)), 'nothing written while asking');
    w.keys('-l', ' @{{prompt_file}}');
    w.keys('Enter');
    await w.screen((p) => /Write .*config\.json\?/.test(p.replace(/\n/g, '')), 'the confirmation');
    w.keys('Enter');
    assert.equal(await w.exitCode(), 0, w.pane());
    assert.deepEqual(readJson(configOf(dir)), { ...preset, worker_command: `${runner} --go @{{prompt_file}}` });
    assert.equal(modeOf(configOf(dir)), 0o600);
    await w.screen((p) => p.includes('Wrote') && p.includes('looop log pulse --follow'), 'the next steps');
  });

  test(`wizard at ${cols}x${rows}: ${abortKey} at the worker command exits 130 and writes nothing; an existing config is shown and kept on "no"`, { skip: !hasTmux && 'tmux is not installed' }, async (t) => {
    const dir = tempDataDir(t);
    const w = wizard(t, dir, cols, rows);
    await w.screen((p) => p.includes('Which agent runs the loop?'), 'the runner menu');
    w.keys('Enter');
    await w.screen((p) => p.includes('Tick command'), 'the tick command');
    w.keys('Enter');
    await w.screen((p) => p.includes('Worker command'), 'the worker command');
    w.keys(abortKey);
    assert.equal(await w.exitCode(), 130, w.pane());
    await w.screen((p) => p.includes('aborted (no config written).'), 'the abort line');
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing written');

    const old = '{\n  "tick_command": "mytick --x",\n  "worker_command": "myworker {{prompt_file}}"\n}\n';
    fs.writeFileSync(configOf(dir), old);
    const again = wizard(t, dir, cols, rows);
    await again.screen((p) => p.includes('mytick --x') && p.includes('Replace it?'), 'the current config and the question');
    again.keys('Enter'); // the default is No
    assert.equal(await again.exitCode(), 130, again.pane());
    assert.equal(fs.readFileSync(configOf(dir), 'utf8'), old);
    assert.deepEqual(fs.readdirSync(dir), ['config.json'], 'nothing else written');
  });
}

test('wizard: replacing an existing config on "yes" keeps it as config.json.bak and starts on its runner', { skip: !hasTmux && 'tmux is not installed' }, async (t) => {
  const dir = tempDataDir(t);
  const presets = readmePresets();
  const old = `${JSON.stringify({ ...presets.codex, session_ttl: 7 }, null, 2)}\n`;
  fs.writeFileSync(configOf(dir), old);
  const w = wizard(t, dir, 100, 30);
  await w.screen((p) => p.includes('Replace it?') && p.includes('session_ttl'), 'the current config and the question');
  w.keys('Left', 'Enter');
  await w.screen((p) => /● codex/.test(p), 'the menu starting on the configured runner (codex)');
  w.keys('Up', 'Enter'); // claude
  await w.screen((p) => p.includes('Tick command'), 'the tick command');
  w.keys('Enter');
  await w.screen((p) => p.includes('Worker command'), 'the worker command');
  w.keys('Enter');
  await w.screen((p) => /Write .*config\.json\?/.test(p.replace(/\n/g, '')), 'the confirmation');
  w.keys('Enter');
  assert.equal(await w.exitCode(), 0, w.pane());
  assert.equal(fs.readFileSync(`${configOf(dir)}.bak`, 'utf8'), old);
  assert.deepEqual(readJson(configOf(dir)), { tick_command: presets.claude.tick_command, worker_command: presets.claude.worker_command, interval: 60, session_ttl: 7 });
});
