// Shell completions (issue 9 item 3), driven in the real shells: bash through its
// completion function (COMP_WORDS/COMP_CWORD → COMPREPLY), zsh through _looop with
// compadd standing in for the completion system, fish through `complete -C`.
// The verbs and flags expected come from the CLI's own cac declarations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, looop, looopBg, patience, tempDataDir, waitForFile } from './helpers.mjs';

const lib = await import('../dist/lib.mjs');
const SHELLS = ['bash', 'zsh', 'fish'];
const SEP = '\u001e';

function have(shell) {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

/** A private HOME and PATH with `looop` on it, as a user who installed it has. */
function shellHome(t) {
  const home = tempDataDir(t, 'cpl-home');
  fs.mkdirSync(path.join(home, 'bin'));
  fs.symlinkSync(BIN, path.join(home, 'bin', 'looop'));
  for (const shell of SHELLS) {
    fs.writeFileSync(path.join(home, `looop.${shell}`), looop(home, ['config', shell]).stdout);
  }
  return home;
}

function shellEnv(home, dataEnv) {
  const env = {
    PATH: `${path.join(home, 'bin')}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    ZDOTDIR: home,
    TERM: 'dumb',
    ...dataEnv,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env;
}

const q = (w) => `'${w.replaceAll("'", `'\\''`)}'`;

/** Each line is `looop w1 w2 cur` (a trailing space: an empty current word). */
function driver(shell, home, lines) {
  const script = path.join(home, `looop.${shell}`);
  const words = lines.map((l) => l.split(' '));
  if (shell === 'bash') {
    return [
      `source ${q(script)}`,
      `c() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _looop; printf '%s\\n' "\${COMPREPLY[@]}"; printf '${SEP}\\n'; }`,
      ...words.map((ws) => `c ${ws.map(q).join(' ')}`),
    ].join('\n');
  }
  if (shell === 'zsh') {
    return [
      'compdef() { :; }',
      `source ${q(script)}`,
      // compadd as the completion system would filter it: by the current word's prefix.
      'compadd() { local w; [[ $1 == -- ]] && shift; for w in "$@"; do [[ $w == ${words[CURRENT]}* ]] && print -r -- "$w"; done }',
      `c() { words=("$@"); CURRENT=$#; _looop; print -r -- '${SEP}' }`,
      ...words.map((ws) => `c ${ws.map(q).join(' ')}`),
    ].join('\n');
  }
  return [`source ${q(script)}`, ...lines.map((l) => `complete -C ${q(l)}; echo '${SEP}'`)].join('\n');
}

/** Completes every line in one shell process; returns the candidates per line, and stderr. */
function complete(shell, home, lines, dataEnv) {
  const args = shell === 'bash' ? ['--norc', '--noprofile', '-c'] : shell === 'zsh' ? ['-f', '-c'] : ['--no-config', '-c'];
  const r = spawnSync(shell, [...args, driver(shell, home, lines)], { env: shellEnv(home, dataEnv), encoding: 'utf8', timeout: patience() });
  assert.equal(r.status, 0, `${shell} exited ${r.status}: ${r.stderr}`);
  const blocks = r.stdout.split(`${SEP}\n`).slice(0, lines.length);
  assert.equal(blocks.length, lines.length, `${shell} printed ${blocks.length} answers for ${lines.length} lines: ${r.stdout.slice(0, 500)}`);
  const answers = blocks.map((b) => b.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]));
  return { answers, stderr: r.stderr };
}

/** The verbs and long flags the CLI declares (hidden verbs, with no description, excluded). */
function declared() {
  const cli = lib.buildProgram();
  return cli.commands
    .filter((c) => c.description !== '')
    .map((c) => ({ name: c.name, long: lib.specOf(c).options.flatMap((o) => o.flags.filter((f) => f.startsWith('--'))) }));
}

for (const shell of SHELLS) {
  test(`${shell}: every verb, subcommand and long flag the CLI declares is completed`, { skip: !have(shell) && `${shell} is not installed` }, (t) => {
    const home = shellHome(t);
    const verbs = declared();
    assert.ok(verbs.length > 20 && verbs.some((v) => v.name === 'worker start'), 'the CLI declarations were read');
    const lines = ['looop ', ...verbs.map((v) => `looop ${v.name} --`)];
    const groups = [...new Set(verbs.filter((v) => v.name.includes(' ')).map((v) => v.name.split(' ')[0]))];
    lines.push(...groups.map((g) => `looop ${g} `));
    const { answers, stderr } = complete(shell, home, lines, { LOOOP_DATA_DIR: path.join(home, 'data') });
    assert.equal(stderr, '');
    const tops = answers[0];
    for (const v of verbs) assert.ok(tops.includes(v.name.split(' ')[0]), `${shell}: \`looop <Tab>\` offers ${v.name.split(' ')[0]}; got ${tops.join(' ')}`);
    assert.ok(!tops.includes('_complete'), 'the hidden helper verb is not offered');
    verbs.forEach((v, i) => {
      const got = answers[i + 1];
      for (const f of [...v.long, '--help']) assert.ok(got.includes(f), `${shell}: \`looop ${v.name} --<Tab>\` offers ${f}; got ${got.join(' ')}`);
    });
    groups.forEach((g, i) => {
      const got = answers[verbs.length + 1 + i];
      for (const v of verbs.filter((x) => x.name.startsWith(`${g} `))) {
        const sub = v.name.slice(g.length + 1);
        assert.ok(got.includes(sub), `${shell}: \`looop ${g} <Tab>\` offers ${sub}; got ${got.join(' ')}`);
      }
    });
  });
}

/** A data dir with live ids of every kind, and junk next to them that must not be offered. */
async function populated(t) {
  const data = tempDataDir(t);
  const mk = (rel, body = '') => {
    fs.mkdirSync(path.dirname(path.join(data, rel)), { recursive: true });
    fs.writeFileSync(path.join(data, rel), body);
  };
  for (const s of ['w1', 'w2']) fs.mkdirSync(path.join(data, 'sessions', s), { recursive: true });
  mk('sessions/not-a-dir');
  mk('goals/ship.md');
  mk('goals/notes.txt');
  mk('goals/.ship.md.123.tmp');
  fs.mkdirSync(path.join(data, 'goals', 'archive'));
  mk('sensors/ci.sh');
  mk('schedules/standup.json');
  mk('claims/repo-x.json');
  mk('claims/$(touch pwned).json');
  fs.symlinkSync('/etc/passwd', path.join(data, 'claims', 'link.json'));
  mk('asks/junk.json', '{not json');
  const asker = looopBg(t, data, ['ask', 'w1', '--prompt', 'Ship it?']);
  await waitForFile(path.join(data, 'asks', 'w1-1.json'));
  assert.equal(asker.exited, null, `the asker is still waiting: ${asker.stderr}`);
  return data;
}

const sorted = (xs) => [...xs].sort();

for (const shell of SHELLS) {
  test(`${shell}: live ids from the data dir, without suffixes, and nothing else`, { skip: !have(shell) && `${shell} is not installed` }, async (t) => {
    const home = shellHome(t);
    const data = await populated(t);
    const lines = [
      'looop answer ',
      'looop kill ',
      'looop worker kill ',
      'looop w kill w',
      'looop screenshot ',
      'looop attach ',
      'looop log --tail 5 ',
      'looop send ',
      'looop goal archive ',
      'looop sensor write ',
      'looop schedule rm ',
      'looop claim ',
      'looop config ',
      'looop log --tail ',
    ];
    const { answers, stderr } = complete(shell, home, lines, { LOOOP_DATA_DIR: data });
    assert.equal(stderr, '');
    const sessions = ['w1', 'w2'];
    const want = [['w1-1'], sessions, sessions, sessions, sessions, sessions, sessions, sessions, ['ship'], ['ci'], ['standup'], ['repo-x'], ['bash', 'fish', 'zsh'], []];
    lines.forEach((l, i) => assert.deepEqual(sorted(answers[i]), want[i], `${shell}: \`${l}<Tab>\``));
    assert.ok(!fs.existsSync(path.join(home, 'pwned')) && !fs.existsSync('pwned'), 'a file name is never run');
  });

  test(`${shell}: a missing or damaged data dir completes nothing and prints nothing`, { skip: !have(shell) && `${shell} is not installed` }, (t) => {
    const home = shellHome(t);
    const junk = tempDataDir(t);
    for (const d of ['asks', 'sessions', 'goals', 'claims']) fs.writeFileSync(path.join(junk, d), '\x1b[31mnot a dir');
    const file = path.join(junk, 'asks'); // a regular file as the data dir
    const lines = ['looop answer ', 'looop kill ', 'looop goal archive ', 'looop claim ', 'looop worker '];
    for (const env of [{ LOOOP_DATA_DIR: path.join(home, 'missing') }, { LOOOP_DATA_DIR: junk }, { LOOOP_DATA_DIR: file }, { HOME: undefined }]) {
      const { answers, stderr } = complete(shell, home, lines, env);
      assert.equal(stderr, '', `${shell} with ${JSON.stringify(env)}: no error output`);
      assert.deepEqual(answers.slice(0, 4), [[], [], [], []], `${shell} with ${JSON.stringify(env)}`);
      assert.deepEqual(sorted(answers[4]), ['kill', 'list', 'start'], 'static words still complete');
    }
  });
}

test('looop _complete: never an error, whatever the kind or the data dir', async (t) => {
  const data = await populated(t);
  assert.deepEqual(looop(data, ['_complete', 'sessions']), { code: 0, stdout: 'w1\nw2\n', stderr: '', signal: null });
  assert.deepEqual(looop(data, ['_complete', 'asks']).stdout, 'w1-1\n');
  for (const args of [['_complete'], ['_complete', 'nope']]) assert.deepEqual(looop(data, args), { code: 0, stdout: '', stderr: '', signal: null });
  const gone = looop(path.join(data, 'missing'), ['_complete', 'goals']);
  assert.deepEqual([gone.code, gone.stdout, gone.stderr], [0, '', '']);
  assert.equal(fs.existsSync(path.join(data, 'missing')), false, 'completing creates no data dir');
  assert.ok(!looop(data, []).stdout.includes('_complete'), 'the helper is not in the verb summary');
});

test('zsh: the script registers _looop with compdef, with or without compinit first', { skip: !have('zsh') && 'zsh is not installed' }, (t) => {
  const home = shellHome(t);
  const script = q(path.join(home, 'looop.zsh'));
  for (const pre of ['autoload -Uz compinit && compinit -u -D', ':']) {
    const r = spawnSync('zsh', ['-f', '-c', `${pre}; source ${script} && print -r -- "$_comps[looop]"`], { env: shellEnv(home, {}), encoding: 'utf8', timeout: patience() });
    assert.deepEqual([r.status, r.stdout, r.stderr], [0, '_looop\n', ''], `after \`${pre}\``);
  }
});

test('bash: the script registers _looop with complete -F', { skip: !have('bash') && 'bash is not installed' }, (t) => {
  const home = shellHome(t);
  const r = spawnSync('bash', ['--norc', '-c', `source ${q(path.join(home, 'looop.bash'))} && complete -p looop`], { env: shellEnv(home, {}), encoding: 'utf8' });
  assert.deepEqual([r.status, r.stdout.trim(), r.stderr], [0, 'complete -F _looop looop', '']);
});

test('config: an unknown shell is refused with the list', (t) => {
  const data = tempDataDir(t);
  const r = looop(data, ['config', 'tcsh']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no completion script for "tcsh" \(bash, zsh or fish\)/);
  assert.equal(r.stdout, '');
});

test('every verb the completion tables give an argument kind to is a verb the CLI declares', () => {
  const names = new Set(lib.buildProgram().commands.map((c) => c.name));
  for (const verb of Object.keys(lib.FIRST_ARG)) assert.ok(names.has(verb), `FIRST_ARG names \`${verb}\`, which the CLI does not declare`);
});
