// cac declaration for `looop init`: the runner wizard on a terminal, or the same
// write from flags for scripts. Exit 130 when a person backs out; nothing is written.
import type { CAC } from 'cac';
import { cliContext } from '../context.ts';
import { err, out } from '../io.ts';
import { str, usage, type Opts } from '../args.ts';
import { neutralize } from '../../terminalText.ts';
import type { InitResult } from '../../commands/init.ts';

const USAGE = 'looop init [--runner claude|codex|opencode|pi|custom] [--tick-command C] [--worker-command C] [--force]';
export const ABORTED_EXIT = 130;

function nextSteps(r: InitResult): string {
  const lines = ['', `Wrote ${neutralize(r.configPath)} (runner: ${neutralize(r.runner)}).`];
  if (r.backup !== null) lines.push(`The previous config is kept as ${neutralize(r.backup)}.`);
  if (r.kept.length > 0) lines.push(`Kept from it: ${r.kept.map((k) => neutralize(k)).join(', ')}.`);
  lines.push(
    '',
    'Next:',
    '  looop up                   start the pulse (it checks the runner is installed)',
    '  looop log pulse --follow   watch it beat',
    '  looop state                what it does, and the questions waiting for you',
  );
  if (r.seeded) lines.push('', 'A fresh data dir starts with a `setup` ask (see `looop asks`): let your agent', 'interview you and write goals, sensors and PLAYBOOK, or edit goals/ and', 'PLAYBOOK.md yourself.');
  return lines.join('\n');
}

async function init(opts: Opts): Promise<number> {
  const ctx = cliContext();
  const { currentConfig, checkWritable, writeInit, backupPath } = await import('../../commands/init.ts');
  const { checkWiring, isRunnerChoice, PRESETS, RUNNER_CHOICES } = await import('../../init/presets.ts');
  const runnerFlag = str(opts.runner);
  const tickFlag = str(opts.tickCommand);
  const workerFlag = str(opts.workerCommand);
  const force = opts.force === true;
  const flagged = runnerFlag !== undefined || tickFlag !== undefined || workerFlag !== undefined;
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  if (!flagged && !terminal) {
    err(`looop: init: no terminal to ask on — pass --runner ${RUNNER_CHOICES.join('|')} (and --tick-command/--worker-command for custom)`);
    return 1;
  }
  checkWritable(ctx);
  const current = currentConfig(ctx);

  if (!flagged) {
    const { runWizard } = await import('../../init/wizard.ts');
    const w = await runWizard(ctx.paths.configPath, current, { force });
    if (w.kind === 'abort') {
      err('aborted (no config written).');
      return ABORTED_EXIT;
    }
    out(nextSteps(writeInit(ctx, w.plan, current)));
    return 0;
  }

  const runner = runnerFlag ?? (tickFlag !== undefined && workerFlag !== undefined ? 'custom' : undefined);
  if (runner === undefined || !isRunnerChoice(runner)) {
    throw usage(runner === undefined ? 'init: say which runner with --runner (or give both --tick-command and --worker-command)' : `init: unknown runner ${JSON.stringify(runner)} (${RUNNER_CHOICES.join(', ')})`, USAGE);
  }
  if (runner === 'custom' && (tickFlag === undefined || workerFlag === undefined)) {
    throw usage('init: --runner custom needs both --tick-command and --worker-command', USAGE);
  }
  const preset = runner === 'custom' ? { tick: '', worker: '' } : PRESETS[runner];
  const wiring = { tick: tickFlag ?? preset.tick, worker: workerFlag ?? preset.worker };
  checkWiring(wiring);
  if (current.kind !== 'absent' && !force) {
    const what = current.kind === 'broken' ? current.problem : 'already exists';
    err(`looop: init: ${ctx.paths.configPath} ${what} — pass --force to replace it (the old one is kept as ${backupPath(ctx.paths.configPath)})`);
    return 1;
  }
  out(nextSteps(writeInit(ctx, { runner, wiring }, current)));
  return 0;
}

export function registerInit(cli: CAC): void {
  cli
    .command('init', 'Choose the agent runner and write config.json (a wizard on a terminal; flags for scripts)')
    .option('--runner <name>', 'claude, codex, opencode, pi or custom: write that preset without asking')
    .option('--tick-command <cmd>', 'The decider command (overrides the preset\'s)')
    .option('--worker-command <cmd>', 'The worker command; must contain {{prompt_file}} (overrides the preset\'s)')
    .option('--force', 'Replace an existing config (kept as config.json.bak)')
    .example('looop init')
    .example('looop init --runner codex')
    .example(`looop init --runner custom --tick-command 'mytool --decide' --worker-command 'mytool "$(cat {{prompt_file}})"'`)
    .action(async (opts: Opts) => init(opts));
}
