// Our own argv parser, driven by the verbs declared with cac. cac (through mri)
// turns "007" into 7 and " " into 0; here every value is exactly the string typed.
// Rules: `--` ends options; a value option takes its next word verbatim; a word
// starting with `-` that is no declared option is refused with how to pass it,
// except that `-` alone and negative numbers (`-1`, `-2.5`) are words, since no
// option starts with a digit; `--help` is help only before `--`.
import type { CAC, Command } from 'cac';

export type OptionValue = boolean | readonly string[];
/** Option values by cac's camelCase key: booleans, or every value given, in order. */
export type Options = Readonly<Record<string, OptionValue>>;

export interface OptionSpec {
  /** How it is typed: `-a`, `--all`, `--no-trim`. */
  readonly flags: readonly string[];
  readonly key: string;
  readonly takesValue: boolean;
}

export interface VerbSpec {
  readonly name: string;
  readonly args: readonly { readonly required: boolean; readonly variadic: boolean; readonly value: string }[];
  readonly options: readonly OptionSpec[];
  /** `tell`: an unknown dash-leading word is message text, not an error. */
  readonly dashWordsAreText: boolean;
  /** `run`: once the first word is seen, every later word is a positional as typed. */
  readonly verbatimTail?: boolean;
}

export type VerbWords =
  | { readonly kind: 'run'; readonly positionals: readonly string[]; readonly options: Options }
  | { readonly kind: 'help' }
  | { readonly kind: 'usage'; readonly message: string };

export type CommandLine =
  | { readonly kind: 'summary' }
  | { readonly kind: 'manual' }
  | { readonly kind: 'version' }
  | { readonly kind: 'topic'; readonly words: readonly string[] }
  | { readonly kind: 'group'; readonly group: string; readonly unknown: string | null }
  | { readonly kind: 'unknown-verb'; readonly word: string }
  | { readonly kind: 'help'; readonly verb: Command }
  | { readonly kind: 'usage'; readonly verb: Command; readonly message: string }
  | { readonly kind: 'run'; readonly verb: Command; readonly positionals: readonly string[]; readonly options: Options };

/** Verbs with subcommands; `worker start` etc. are declared to cac as one name. */
export const GROUPS: Readonly<Record<string, readonly string[]>> = {
  worker: ['start', 'kill', 'list'],
  goal: ['write', 'archive'],
  sensor: ['write'],
  playbook: ['write'],
  schedule: ['write', 'rm', 'list'],
  cost: ['session'],
};
/** Verbs whose words after the first non-option word are all positional, verbatim (`run`: the command's own flags). */
const VERBATIM_TAIL: ReadonlySet<string> = new Set(['run']);
export const SUB_ALIASES: Readonly<Record<string, string>> = { ls: 'list', w: 'write' };
export const ALIASES: Readonly<Record<string, string>> = { w: 'worker', ss: 'screenshot' };
const HELP_FLAGS = ['-h', '--help'];

/** `_ x` → `x`; `w ls` → `worker list` (one token, as cac declares it). */
export function normalizeArgv(raw: readonly string[]): string[] {
  const argv = [...raw];
  if (argv[0] === '_') argv.shift();
  const first = argv[0];
  if (first !== undefined && ALIASES[first] !== undefined) argv[0] = ALIASES[first];
  const head = argv[0];
  const sub = argv[1] === undefined ? undefined : (SUB_ALIASES[argv[1]] ?? argv[1]);
  if (head !== undefined && sub !== undefined && GROUPS[head]?.includes(sub)) argv.splice(0, 2, `${head} ${sub}`);
  return argv;
}

/** What cac declared for a verb, in the shape the parser needs. */
export function specOf(cmd: Command): VerbSpec {
  const options = cmd.options.map((o) => {
    const flags = o.rawName
      .split(',')
      .map((part) => part.trim().split(/\s+/)[0] ?? '')
      .filter((f) => f.startsWith('-'));
    return { flags, key: o.name, takesValue: o.isBoolean !== true };
  });
  return { name: cmd.name, args: cmd.args, options, dashWordsAreText: cmd.config.allowUnknownOptions === true, verbatimTail: VERBATIM_TAIL.has(cmd.name) };
}

function isWord(w: string): boolean {
  return w === '-' || !w.startsWith('-') || /^-\d/.test(w);
}

/** A word as a POSIX shell would need it typed. */
export function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`;
}

/** Parses the words after the verb. Pure: the argv → options table in the tests drives this. */
export function parseVerbWords(spec: VerbSpec, words: readonly string[]): VerbWords {
  const options: Record<string, OptionValue> = {};
  const positionals: string[] = [];
  const optionWords: string[] = [];
  const unknown: string[] = [];
  const byFlag = new Map<string, OptionSpec>();
  for (const o of spec.options) for (const f of o.flags) byFlag.set(f, o);

  const set = (o: OptionSpec, flag: string, value: string | undefined): void => {
    if (o.takesValue) {
      const prev = options[o.key];
      options[o.key] = [...(Array.isArray(prev) ? prev : []), value ?? ''];
    } else {
      options[o.key] = !flag.startsWith('--no-');
    }
  };

  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w === '--') {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (isWord(w)) {
      if (spec.verbatimTail === true) {
        positionals.push(...words.slice(i));
        break;
      }
      positionals.push(w);
      continue;
    }
    if (HELP_FLAGS.includes(w)) return { kind: 'help' };
    const eq = w.startsWith('--') ? w.indexOf('=') : -1;
    const flag = eq < 0 ? w : w.slice(0, eq);
    const o = byFlag.get(flag);
    if (o !== undefined) {
      if (!o.takesValue) {
        if (eq >= 0) return { kind: 'usage', message: `\`${flag}\` takes no value` };
        set(o, flag, undefined);
        optionWords.push(w);
        continue;
      }
      if (eq >= 0) {
        set(o, flag, w.slice(eq + 1));
        optionWords.push(w);
        continue;
      }
      const value = words[i + 1];
      if (value === undefined) return { kind: 'usage', message: `\`${flag}\` needs a value` };
      set(o, flag, value);
      optionWords.push(w, value);
      i += 1;
      continue;
    }
    // A cluster of short boolean flags: `-aw`.
    const cluster = !w.startsWith('--') && w.length > 2 ? [...w.slice(1)].map((c) => byFlag.get(`-${c}`)) : [];
    if (cluster.length > 0 && cluster.every((c) => c !== undefined && !c.takesValue)) {
      for (const c of cluster) if (c !== undefined) set(c, '-', undefined);
      optionWords.push(w);
      continue;
    }
    if (spec.dashWordsAreText) {
      positionals.push(w);
      continue;
    }
    unknown.push(w);
    positionals.push(w);
  }

  if (unknown.length > 0) {
    const first = unknown[0] ?? '';
    const fixed = ['looop', spec.name, ...optionWords.map(shellWord), '--', ...positionals.map(shellWord)].join(' ');
    return { kind: 'usage', message: `unknown option \`${first}\` — if it is text or an id, put it after \`--\`: ${fixed}` };
  }
  const required = spec.args.filter((a) => a.required);
  if (positionals.length < required.length) {
    const missing = required.slice(positionals.length).map((a) => `<${a.value}>`);
    return { kind: 'usage', message: `missing ${missing.join(' ')}` };
  }
  if (!spec.args.some((a) => a.variadic) && positionals.length > spec.args.length) {
    const extra = positionals.slice(spec.args.length);
    return { kind: 'usage', message: `unexpected word${extra.length > 1 ? 's' : ''} ${extra.map((w) => `\`${w}\``).join(' ')}` };
  }
  return { kind: 'run', positionals, options };
}

/** The whole command line: which verb, and its words parsed exactly. */
export function parseCommandLine(cli: CAC, raw: readonly string[]): CommandLine {
  const argv = normalizeArgv(raw);
  const head = argv[0];
  if (head === undefined) return { kind: 'summary' };
  if (HELP_FLAGS.includes(head)) return { kind: 'manual' };
  if (head === '--version' || head === '-V' || head === '-v') return { kind: 'version' };
  // The topic swallows every word, flag-like or not (`looop help --json` is a topic).
  if (head === 'help') return { kind: 'topic', words: argv.slice(1) };
  // A group that is also a verb on its own (`cost [today|all]`) runs it instead of listing.
  if (GROUPS[head] !== undefined && !cli.commands.some((c) => c.isMatched(head))) {
    const sub = argv[1];
    return { kind: 'group', group: head, unknown: sub === undefined || HELP_FLAGS.includes(sub) ? null : sub };
  }
  const verb = cli.commands.find((c) => c.isMatched(head));
  if (verb === undefined) return { kind: 'unknown-verb', word: head };
  const r = parseVerbWords(specOf(verb), argv.slice(1));
  if (r.kind === 'help') return { kind: 'help', verb };
  if (r.kind === 'usage') return { kind: 'usage', verb, message: r.message };
  return { kind: 'run', verb, positionals: r.positionals, options: r.options };
}

/** The arguments cac's action expects: one per declared arg (a list for `[...x]`), then the options. */
export function actionArgs(verb: Command, positionals: readonly string[], options: Options): unknown[] {
  const out: unknown[] = verb.args.map((a, i) => (a.variadic ? positionals.slice(i) : positionals[i]));
  out.push(options);
  return out;
}
