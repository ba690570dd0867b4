// RUN_SHELL OUTPUT (reference §8.10 item 10): `.last-shell.json` =
// {"v":1,"ts","cmd","exit_code","output"}, written by run_shell (src/actions) and shown
// once in the next prompt. Only the reading is here; consuming it belongs to the
// decision path. A corrupt record loses the section (reported), nothing more.
import type { LastShell } from '../decide/prompt.ts';
import { guardPath, isObject, readGuardJson, type GuardCtx, type Problem } from './guardFile.ts';

export const LAST_SHELL_FILE = '.last-shell.json';
// The output is a 2 KiB tail and the command at most a decision's worth.
const SHELL_MAX_BYTES = 1 << 20;

export function readLastShell(ctx: GuardCtx): { shell: LastShell | null; problem: Problem } {
  const file = guardPath(ctx, LAST_SHELL_FILE);
  const r = readGuardJson(file, SHELL_MAX_BYTES);
  if (r.kind === 'absent') return { shell: null, problem: null };
  const v = r.kind === 'ok' ? r.value : null;
  if (!isObject(v) || typeof v.cmd !== 'string' || typeof v.exit_code !== 'number' || !Number.isInteger(v.exit_code) || typeof v.output !== 'string') {
    const why = r.kind === 'bad' ? r.problem : `${file} is not a run_shell record`;
    return { shell: null, problem: `${why} — the prompt goes without RUN_SHELL OUTPUT` };
  }
  return { shell: { cmd: v.cmd, exitCode: v.exit_code, output: v.output }, problem: null };
}
