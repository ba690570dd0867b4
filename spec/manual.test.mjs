// The manual (issue 9 item 4) against the CLI's own declarations: every verb and
// every flag it declares appears on that verb's line, every flag the manual mentions
// exists (per verb where the text names one), and its environment knobs match the
// README's table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { looop, ROOT, tempDataDir } from './helpers.mjs';

const lib = await import('../dist/lib.mjs');
const cli = lib.buildProgram();
const visible = cli.commands.filter((c) => c.description !== '');
/** Verb name → its flags as typed (`--json`, `-a`), plus -h/--help which every verb has. */
const FLAGS = new Map(visible.map((c) => [c.name, new Set([...lib.specOf(c).options.flatMap((o) => o.flags), '--help', '-h'])]));
const NAMES = [...FLAGS.keys(), ...Object.keys(lib.ALIASES)].sort((a, b) => b.length - a.length);
const canonical = (name) => lib.ALIASES[name] ?? name;
const { narrative, verbs: VERBS, environment } = lib.MANUAL_SECTIONS;

/** The declared verb a piece of text starts with (longest name first), or null. */
function verbAt(text) {
  const t = text.trim();
  const name = NAMES.find((n) => t === n || t.startsWith(`${n} `));
  return name === undefined ? null : canonical(name);
}

/** Flags in a piece of usage text: `--x` anywhere, `-x` where it stands as a flag. */
function flagsIn(text) {
  const long = text.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? [];
  const short = text.match(/(?<=[\s[|(])-[a-zA-Z](?=[\s\]|)]|$)/g) ?? [];
  return [...long, ...short];
}

/** The usage block as (verb, text) segments: one per ` / ` alternative; indented lines continue the last. */
function segments() {
  const out = [];
  for (const line of VERBS.split('\n').slice(1)) {
    if (/^ {2}(Shorthands|`looop <verb> --help`)/.test(line)) break;
    if (/^ {3,}/.test(line)) {
      out[out.length - 1].text += ` ${line.trim()}`;
      continue;
    }
    for (const part of line.trim().split(' / ')) {
      const verb = verbAt(part);
      if (verb === null) out[out.length - 1].text += ` / ${part}`;
      else out.push({ verb, text: part });
    }
  }
  return out;
}

test('the usage block: every verb the CLI declares has a line with each of its flags', () => {
  const segs = segments();
  assert.ok(segs.length > 25, `parsed the usage block (${segs.length} segments)`);
  for (const [verb, flags] of FLAGS) {
    const text = segs.filter((s) => s.verb === verb).map((s) => s.text).join(' ');
    assert.ok(text !== '', `the manual's VERBS lists \`${verb}\``);
    const shown = new Set(flagsIn(text));
    for (const f of flags) if (f !== '--help' && f !== '-h') assert.ok(shown.has(f), `the \`${verb}\` line shows ${f}: ${text}`);
  }
  for (const s of ['-a|--all', '-w|--watch', '`worker ls` / `w ls`']) assert.ok(VERBS.includes(s), `VERBS shows ${s}`);
});

test('the usage block: every flag on a verb\'s line is one of that verb\'s flags', () => {
  for (const s of segments()) {
    for (const f of flagsIn(s.text)) assert.ok(FLAGS.get(s.verb).has(f), `\`${s.verb}\` has no flag ${f} (manual: ${s.text})`);
  }
});

test('every flag the manual mentions exists, and a `looop <verb> …` example uses that verb\'s own', () => {
  const all = new Set([...FLAGS.values()].flatMap((s) => [...s]));
  const text = lib.manual({ LOOOP_DATA_DIR: '/tmp/x' }, '/');
  const long = text.match(/(?<![\w-])--[a-z][a-z0-9-]*/g) ?? [];
  assert.ok(long.length > 30, `found the manual's flags (${long.length})`);
  // --v8-pool-size is node's own flag, quoted as LOOOP_HOST_NODE_FLAGS's default; --version is the global one.
  for (const f of long) if (f !== '--v8-pool-size' && f !== '--version') assert.ok(all.has(f), `the manual mentions ${f}, which no verb declares`);
  let examples = 0;
  for (const [, body] of text.matchAll(/`looop ([^`]+)`/g)) {
    const verb = verbAt(body);
    if (verb === null) continue;
    examples += 1;
    for (const f of flagsIn(body)) assert.ok(FLAGS.get(verb).has(f), `\`looop ${body}\`: ${verb} has no flag ${f}`);
  }
  assert.ok(examples > 8, `checked the manual's examples (${examples})`);
});

test('the narrative covers the idea, the beat, both contracts, the data dir and the knobs', () => {
  for (const h of ['THE IDEA', 'ONE BEAT', 'THE CLIENT CONTRACT', 'THE WORKER CONTRACT', 'THE DATA DIR', 'ANSWER FILES']) assert.match(narrative, new RegExp(`^${h}`, 'm'));
  for (const s of ['looop wait --json', 'exits 2', 'looop asks --json', 'looop answer <ask-id>', 'ask --prompt', '`told`']) assert.ok(narrative.includes(s), `the narrative explains ${s}`);
  assert.match(environment, /^ENVIRONMENT/);
});

/** The variables of the README's environment table, and the ones it says looop exports. */
function readmeKnobs() {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Environment$/m)[1].split(/^## /m)[0];
  const vars = (s) => new Set(s.match(/\b(LOOOP_[A-Z0-9_]+|NO_COLOR)\b/g) ?? []);
  const table = section.split('\n').filter((l) => l.startsWith('| `')).join(' ');
  const exported = section.split('\n').filter((l) => !l.startsWith('|')).join(' ');
  return { table: vars(table), exported: vars(exported) };
}

test('the manual\'s environment section lists exactly the README table\'s knobs (and the exported variables)', () => {
  const { table, exported } = readmeKnobs();
  assert.ok(table.size > 25, `read the README table (${table.size} variables)`);
  const mine = new Set(environment.match(/\b(LOOOP_[A-Z0-9_]+|NO_COLOR)\b/g));
  for (const v of table) assert.ok(mine.has(v), `the manual's ENVIRONMENT lists ${v} (in the README's table)`);
  for (const v of mine) assert.ok(table.has(v) || exported.has(v), `${v} in the manual's ENVIRONMENT is in the README's table`);
});

test('looop help ends with the paths this shell would use; without HOME it says what to set', (t) => {
  const dir = tempDataDir(t);
  const r = looop(dir, ['help']);
  assert.equal(r.code, 0);
  assert.ok(r.stdout.includes(`  data      ${dir}\n`), r.stdout.slice(-300));
  assert.ok(r.stdout.includes(`  config    ${path.join(dir, 'config.json')}\n`));
  const noHome = looop(dir, ['help'], { env: { LOOOP_DATA_DIR: undefined, XDG_STATE_HOME: undefined, HOME: undefined } });
  assert.equal(noHome.code, 0, noHome.stderr);
  assert.match(noHome.stdout, /\$HOME is not set: give LOOOP_DATA_DIR/);
});
