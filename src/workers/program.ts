// Which program a worker command runs, and whether it exists (reference §1.3): a
// worker whose program is missing would die at once with `command not found`, after
// `worker start` had already said it started. The command is shell text, so this
// reads only its first word and gives up (no check) wherever the shell would do
// something it cannot see: quoting tricks, variables, builtins and keywords.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { Env } from '../paths.ts';

// Bash's builtins and reserved words: the shell runs these itself, nothing is looked up.
const SHELL_WORDS = new Set(
  (
    '! . : [ [[ { ( (( alias bg bind break builtin caller case cd compgen complete compopt continue coproc declare dirs disown ' +
    'echo enable eval exit export false fc fg for function getopts hash help history if jobs kill let local logout mapfile ' +
    'popd printf pushd pwd read readarray readonly return select set shift shopt source suspend test time times trap true ' +
    'type typeset ulimit umask unalias unset until wait while'
  ).split(' '),
);
// Words that run the next word as the program.
const PREFIXES = new Set(['exec', 'command', 'env', 'nohup']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The program a shell command starts with: leading `NAME=value` assignments and
 * `exec`/`command`/`env`/`nohup` (with their flags) skipped, a quoted name unquoted.
 * Null when it cannot be told without running a shell, or is not a program.
 */
export function commandProgram(command: string): string | null {
  let rest = command.trimStart();
  let afterPrefix = false;
  while (rest !== '') {
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      const end = rest.indexOf(quote, 1);
      if (end <= 1) return null; // unterminated or empty
      const name = rest.slice(1, end);
      const next = rest[end + 1];
      // `"a"b` or `"a"$x` joins words: the shell's business, not ours.
      if (next !== undefined && !/[\s;&|<>]/.test(next)) return null;
      return /[\\$`]/.test(name) ? null : name;
    }
    const word = /^[^\s;&|<>()]*/.exec(rest)?.[0] ?? '';
    if (word === '') return null; // `(`, `;`, a redirection first: a shell construct
    // Quoted assignment values, globs, variables, `~user`: no check.
    if (/[\\"'$`*?[\]{}]/.test(word) || (word.includes('~') && !word.startsWith('~/'))) return null;
    rest = rest.slice(word.length).trimStart();
    if (ASSIGNMENT.test(word) || (afterPrefix && word.startsWith('-'))) continue;
    if (PREFIXES.has(word)) {
      afterPrefix = true;
      continue;
    }
    if (SHELL_WORDS.has(word)) return null;
    return word;
  }
  return null;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export type ProgramCheck =
  | { readonly kind: 'found'; readonly file: string }
  /** The command is shell text whose program cannot be told: nothing to check. */
  | { readonly kind: 'unchecked' }
  /** `where` completes "its program 'x' …". */
  | { readonly kind: 'missing'; readonly program: string; readonly where: string };

/**
 * Looks `command`'s program up as the worker's shell will: a name with a `/` from
 * `cwd` (the worker's directory), any other name on `env.PATH`. An exported shell
 * function of that name (BASH_FUNC_<name>%%) counts as found.
 */
export function checkProgram(command: string, env: Env, cwd: string): ProgramCheck {
  const program = commandProgram(command);
  if (program === null) return { kind: 'unchecked' };
  if (program.includes('/')) {
    const home = env.HOME;
    const file = program.startsWith('~/') ? (home === undefined || home === '' ? null : path.join(home, program.slice(2))) : path.resolve(cwd, program);
    if (file === null) return { kind: 'unchecked' };
    return isExecutableFile(file) ? { kind: 'found', file } : { kind: 'missing', program, where: `is not an executable file (${file})` };
  }
  if (env[`BASH_FUNC_${program}%%`] !== undefined) return { kind: 'unchecked' };
  const dirs = (env.PATH ?? '').split(':');
  for (const dir of dirs) {
    // An empty PATH entry means the current directory (the worker's).
    const file = path.resolve(cwd, dir === '' ? '.' : dir, program);
    if (isExecutableFile(file)) return { kind: 'found', file };
  }
  return { kind: 'missing', program, where: 'was not found on PATH' };
}

const INSTALL: Readonly<Record<string, string>> = {
  claude: 'https://docs.claude.com/claude-code',
  codex: 'https://developers.openai.com/codex/cli',
  opencode: 'https://opencode.ai/docs',
  pi: 'https://github.com/earendil-works/pi',
};

/** Where to get a known runner, for the refusal's hint. */
export function installHint(program: string): string | undefined {
  return INSTALL[path.basename(program)];
}

/** What to do about a missing program, in a few words: fix a path, or where to get the runner. */
export function installAdvice(program: string): string {
  if (program.includes('/')) return 'fix the path (a relative path starts from the data dir)';
  const url = installHint(program);
  if (url === undefined) return "see the tool's docs";
  return path.basename(program) === 'claude' ? `see ${url}  (the default runner)` : `see ${url}`;
}
