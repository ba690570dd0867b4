// The runner preflight (reference §1.3): before a verb launches the configured
// runners, the programs `tick_command` and `worker_command` start must exist, else
// the pulse would beat into `command not found` every interval. Only what can be told
// without running a shell is checked (workers/program.ts decides: env assignments
// skipped, quoted names unquoted, anything with `$`, a backslash or a mid-word quote
// left alone); a name with a `/` is checked as a file from the data dir, any other on
// PATH. Returns data; the caller prints the message and exits 1.
import type { Env } from '../paths.ts';
import type { LooopConfig } from './config.ts';
import { checkProgram, installAdvice } from '../workers/program.ts';
import { neutralize } from '../terminalText.ts';

export type RunnerSetting = 'tick_command' | 'worker_command';

export interface MissingBin {
  readonly bin: string;
  /** What to do: where to install it, or fix the path. */
  readonly hint: string;
  /** The settings whose command runs it. */
  readonly usedBy: readonly RunnerSetting[];
}

export type PreflightResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly missing: readonly MissingBin[]; readonly message: string };

export interface PreflightWhere {
  readonly env: Env;
  /** Where the runners run: the data dir (a relative program path starts there). */
  readonly cwd: string;
}

/** The multi-line refusal: every missing program once, with what to do. */
export function preflightMessage(missing: readonly MissingBin[]): string {
  const rows = missing.map((m) => `  ${neutralize(m.bin).padEnd(8)}  install:  ${m.hint}  (${m.usedBy.join(', ')})`);
  return [
    'looop: the configured runner cannot start — missing programs:',
    ...rows,
    '',
    'Install the above, then run looop again.',
    'Or run `looop init` to choose a different runner (it rewrites tick_command and worker_command).',
  ].join('\n');
}

export function runnerPreflight(config: Pick<LooopConfig, 'tickCommand' | 'workerCommand'>, where: PreflightWhere): PreflightResult {
  const found = new Map<string, { hint: string; usedBy: RunnerSetting[] }>();
  const commands: [RunnerSetting, string][] = [
    ['tick_command', config.tickCommand],
    ['worker_command', config.workerCommand],
  ];
  for (const [setting, command] of commands) {
    const check = checkProgram(command, where.env, where.cwd);
    if (check.kind !== 'missing') continue;
    const seen = found.get(check.program);
    if (seen === undefined) found.set(check.program, { hint: installAdvice(check.program), usedBy: [setting] });
    else seen.usedBy.push(setting);
  }
  if (found.size === 0) return { ok: true };
  const missing = [...found].map(([bin, m]) => ({ bin, hint: m.hint, usedBy: m.usedBy }));
  return { ok: false, missing, message: preflightMessage(missing) };
}
