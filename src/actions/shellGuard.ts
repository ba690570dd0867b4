// A tripwire, not a sandbox: run_shell refuses a few command shapes that are
// destructive whatever the context (privilege escalation, wiping / or $HOME,
// force-pushing a main branch, piping a download into a shell, formatting or
// overwriting a disk, powering off). It reads the lowercased words of the command;
// the constitution and the worker-asks-the-human route are the real gate.

const SEPARATORS = new Set(['&&', '||', ';', '|', '&', '(', ')']);
/** Separators that end one simple command's arguments (for rm's flags and targets). */
const ARG_ENDS = new Set(['&&', '||', ';', '|', '&']);
/** Words after which the next word is again a command. */
const PREFIX_WORDS = new Set(['then', 'else', 'elif', 'do', 'exec', 'env', 'nohup', 'time', 'xargs', 'command', 'builtin']);
const ASSIGNMENT = /^[a-z_][a-z0-9_]*=/;
const HOME_TARGETS = new Set(['/', '/*', '~', '~/', '$home', '"$home"', '${home}', '"${home}"', '$home/', '"$home/"']);
const PROTECTED_REFS = /^(main|master|[^:]*:main|[^:]*:master)$/;
const FORCED_PROTECTED = /^\+(main|master|[^:]*:main|[^:]*:master)$/;
const SAFE_DEVICES = new Set(['of=/dev/null', 'of=/dev/zero', 'of=/dev/stdout', 'of=/dev/stderr']);
const DISK_REDIRECTS = ['>/dev/sd', '>/dev/nvme', '>/dev/disk', '>/dev/rdisk', '>/dev/hd', '>/dev/vd', '>/dev/mmcblk'];
const POWER = new Set(['shutdown', 'reboot', 'halt', 'poweroff']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh']);
const FETCHERS = new Set(['curl', 'wget']);

/** Whitespace words with glued separators (`a&&b`, `(sudo`) split into their own words. */
export function shellTokens(cmd: string): string[] {
  const out: string[] = [];
  for (const word of cmd.split(/\s+/)) {
    for (const part of word.split(/(&&|\|\||;|\||&|\(|\))/)) if (part !== '') out.push(part);
  }
  return out;
}

/** The command name without its directory: `/usr/bin/sudo` is `sudo`. */
function base(word: string): string {
  const i = word.lastIndexOf('/');
  return i >= 0 && i < word.length - 1 ? word.slice(i + 1) : word;
}

function commandPositions(tokens: readonly string[]): boolean[] {
  const pos: boolean[] = [];
  tokens.forEach((_, i) => {
    if (i === 0) return void pos.push(true);
    const prev = tokens[i - 1] as string;
    const prevPos = pos[i - 1] === true;
    pos.push(SEPARATORS.has(prev) || (prevPos && (PREFIX_WORDS.has(base(prev)) || ASSIGNMENT.test(prev))));
  });
  return pos;
}

function isRecursive(t: string): boolean {
  return t === '--recursive' || (/^-[a-z]+$/.test(t) && t.includes('r'));
}
function isForce(t: string): boolean {
  return t === '--force' || (/^-[a-z]+$/.test(t) && t.includes('f'));
}

function rmWipesRoot(tokens: readonly string[], start: number): boolean {
  let recursive = false;
  let force = false;
  let target = false;
  for (let i = start + 1; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (ARG_ENDS.has(t)) break;
    if (isRecursive(t)) recursive = true;
    if (isForce(t)) force = true;
    if (HOME_TARGETS.has(t)) target = true;
  }
  return recursive && force && target;
}

function forcePushesMain(lower: string, tokens: readonly string[]): boolean {
  if (!/\bgit\s+push\b/.test(lower)) return false;
  if (tokens.some((t) => FORCED_PROTECTED.test(t))) return true;
  const forced = tokens.some((t) => t === '--force' || t === '-f');
  return forced && tokens.some((t) => PROTECTED_REFS.test(t));
}

function pipesDownloadToShell(lower: string): boolean {
  const firstWords = lower.split('|').map((seg) => base(seg.trim().split(/\s+/)[0] ?? ''));
  const fetchAt = firstWords.findIndex((w) => FETCHERS.has(w));
  return fetchAt >= 0 && firstWords.slice(fetchAt + 1).some((w) => SHELLS.has(w));
}

/**
 * What is dangerous about `cmd` (a short phrase for the refusal), or null when the
 * tripwire lets it through. Pure: no environment, no file system.
 */
export function deniedShape(cmd: string): string | null {
  const lower = cmd.toLowerCase();
  const tokens = shellTokens(lower);
  const atCommand = commandPositions(tokens);
  const commands = tokens.map((t, i) => (atCommand[i] ? base(t) : null));
  if (commands.includes('sudo')) return 'sudo (privilege escalation)';
  if (commands.some((c, i) => c === 'rm' && rmWipesRoot(tokens, i))) return 'rm -rf on / or the home directory';
  if (forcePushesMain(lower, tokens)) return 'git push --force to a protected-looking ref';
  if (pipesDownloadToShell(lower)) return 'piping a downloaded script into a shell';
  if (commands.some((c) => c !== null && c.startsWith('mkfs'))) return 'mkfs (filesystem format)';
  if (tokens.some((t) => t.startsWith('of=/dev/') && !SAFE_DEVICES.has(t))) return 'dd onto a raw device';
  const joined = tokens.join(' ').replaceAll('> /dev/', '>/dev/');
  if (DISK_REDIRECTS.some((d) => joined.includes(d))) return 'redirect onto a raw disk device';
  if (commands.some((c) => c !== null && POWER.has(c))) return 'shutdown/reboot';
  return null;
}

/** The one-line refusal for a denied command; the command did not run. */
export function denialMessage(shape: string): string {
  return `run_shell refused by the safety deny-list (${shape}); the command was NOT run. Pick a safer move, or rephrase it if this is a false positive (an operator can set LOOOP_SHELL_ALLOW_DANGEROUS=1 to turn the deny-list off).`;
}
