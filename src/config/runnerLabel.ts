// What to call the configured runner in log lines, and the one piece of old wiring the
// config loader drops: a trailing `| looop _ fmt` formatter (looop now renders the
// runner's stream itself, so piping it through the old formatter would render twice).
// Both read the command as whitespace-separated words: a label is a hint, not a parse.

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** The word a command line labels as (unlike workers/program.ts commandProgram, `"$VAR"` stays itself), skipping `NAME=value` words and a leading `env [-flags]`; null when there is none. */
export function labelWord(command: string): string | null {
  const words = command.trim().split(/\s+/).filter((w) => w !== '');
  let i = 0;
  while (i < words.length && ASSIGNMENT.test(words[i] ?? '')) i++;
  if (words[i] === 'env') {
    i++;
    while (i < words.length && ((words[i] ?? '').startsWith('-') || ASSIGNMENT.test(words[i] ?? ''))) i++;
  }
  return words[i] ?? null;
}

/** The label of the decide runner: its program, else the worker's, else `runner`. */
export function runnerLabel(tickCommand: string, workerCommand: string): string {
  return labelWord(tickCommand) ?? labelWord(workerCommand) ?? 'runner';
}

function isLooopBinary(word: string): boolean {
  const w = word.replace(/^["']|["']$/g, '');
  return w === 'looop' || w.endsWith('/looop') || w === '$LOOOP_BIN' || w === '${LOOOP_BIN}';
}

/** Drops a final `| looop _ fmt` (or `| "$LOOOP_BIN" _fmt`) segment; any other pipeline is kept as written. */
export function stripFormatterSeam(command: string): string {
  const m = /(?<!\|)\|(?!\|)([^|]*)$/.exec(command);
  if (m === null) return command;
  const words = (m[1] ?? '').trim().split(/\s+/);
  const first = words[0];
  if (first === undefined || !isLooopBinary(first) || !words.some((w) => w === 'fmt' || w === '_fmt')) return command;
  return command.slice(0, m.index).trimEnd();
}
