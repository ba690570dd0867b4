// `run [--reason T] [--journal T] <cmd…>` (reference §2.15): a human's run_shell,
// through the same action path as the pulse's (deny-list, intent record, deadline,
// `.last-shell.json`).
import type { Ctx } from '../context.ts';
import { shellQuote } from '../sessions/workerCommand.ts';
import { executeAction, type ActionOutcome } from '../actions/execute.ts';

/** One word is the shell string verbatim (`'a && b'` keeps its operators); several are quoted word by word. */
export function shellCommandFromArgv(words: readonly string[]): string {
  return words.length === 1 ? (words[0] ?? '') : words.map(shellQuote).join(' ');
}

export async function runRun(ctx: Ctx, words: readonly string[], opts: { reason?: string | undefined; journal?: string | undefined }): Promise<ActionOutcome> {
  const cmd = shellCommandFromArgv(words);
  return executeAction(ctx, { action: 'run_shell', cmd, ...(opts.reason === undefined ? {} : { reason: opts.reason }) }, { source: 'cli', journal: opts.journal });
}
