// `run [--reason T] [--journal T] <cmd…>` (reference §2.15): a human's run_shell,
// through the same action path as the pulse's (deny-list, intent record, deadline,
// `.last-shell.json`).
import type { Ctx } from '../context.ts';
import { executeAction, type ActionOutcome } from '../actions/execute.ts';

/** A word as bash must see it: quoted only when it needs to be, so the deny-list still reads `sudo` as `sudo`. */
function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`;
}

/** One word is the shell string verbatim (`'a && b'` keeps its operators); several keep their word boundaries. */
export function shellCommandFromArgv(words: readonly string[]): string {
  return words.length === 1 ? (words[0] ?? '') : words.map(shellWord).join(' ');
}

export async function runRun(ctx: Ctx, words: readonly string[], opts: { reason?: string | undefined; journal?: string | undefined }): Promise<ActionOutcome> {
  const cmd = shellCommandFromArgv(words);
  return executeAction(ctx, { action: 'run_shell', cmd, ...(opts.reason === undefined ? {} : { reason: opts.reason }) }, { source: 'cli', journal: opts.journal });
}
