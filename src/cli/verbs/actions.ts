// cac declarations for `run` and `schedule write|rm|list`: moves a human makes
// through the same action path as the pulse (src/actions/execute.ts).
import type { CAC } from 'cac';
import { cliContext } from '../context.ts';
import { err, out } from '../io.ts';
import { str, usage, type Opts } from '../args.ts';
import { neutralize, neutralizeLines } from '../../terminalText.ts';
import type { ActionOutcome } from '../../actions/execute.ts';

const RUN_USAGE = 'looop run [--reason TEXT] [--journal TEXT] <cmd…>';
const SCHEDULE_USAGE = 'looop schedule write <name> (--in SECS | --every SECS) [--note TEXT] [--journal TEXT]';
const JOURNAL = ['--journal <text>', 'The journal line for this move (default: the move itself)'] as const;

/** Prints a move's outcome: the summary, or `looop: <why>` (a multi-line why keeps its lines, inert). */
function report(o: ActionOutcome): number {
  if (o.kind === 'ok') {
    out(neutralize(o.summary));
    return 0;
  }
  const [head = '', ...rest] = o.error.message.split('\n');
  err(`looop: ${neutralize(head)}`);
  if (rest.length > 0) err(neutralizeLines(rest.join('\n')));
  if (o.error.hint !== undefined) err(`  ${neutralize(o.error.hint)}`);
  return o.error.exitCode;
}

function seconds(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim())) throw usage(`schedule write: ${flag} needs a whole number of seconds, not ${JSON.stringify(raw)}`, SCHEDULE_USAGE);
  // Beyond 2^53 the schedule is simply never due: saturate instead of losing precision.
  return Math.min(Number(raw.trim()), Number.MAX_SAFE_INTEGER);
}

export function registerActions(cli: CAC): void {
  cli
    .command('run [...cmd]', "Run one shell command in the data dir as a run_shell move (deny-list, deadline, output tail to .last-shell.json); words after the command's first are its own")
    .usage('run [--reason TEXT] [--journal TEXT] <cmd…>')
    .option('--reason <text>', 'Why (shown in the summary instead of the command)')
    .option(...JOURNAL)
    .example("looop run 'git -C repo fetch && git -C repo status -sb'")
    .example('looop run --reason "list PRs" gh pr list --json number')
    .action(async (words: string[], opts: Opts) => {
      if (words.join(' ').trim() === '') throw usage('run: missing command', RUN_USAGE);
      const { runRun } = await import('../../commands/run.ts');
      return report(await runRun(cliContext(), words, { reason: str(opts.reason), journal: str(opts.journal) }));
    });

  cli
    .command('schedule write <name>', 'Create or replace schedules/<name>.json: a one-shot (--in SECS) or recurring (--every SECS, at least 60) wake-up')
    .option('--in <secs>', 'One-shot: due this many seconds from now (then stays due until removed)')
    .option('--every <secs>', 'Recurring: once every SECS seconds (>= 60)')
    .option('--note <text>', 'What it is for (shown to the decider)')
    .option(...JOURNAL)
    .example('looop schedule write standup --every 86400 --note "post the standup summary"')
    .action(async (name: string, opts: Opts) => {
      const inS = seconds('--in', str(opts.in));
      const everyS = seconds('--every', str(opts.every));
      if ((inS === undefined) === (everyS === undefined)) throw usage('schedule write: give exactly one of --in (one-shot) or --every (recurring)', SCHEDULE_USAGE);
      if (everyS !== undefined && everyS < 60) throw usage('schedule write: --every must be at least 60 seconds (for a quicker follow-up use a one-shot --in)', SCHEDULE_USAGE);
      const { runScheduleWrite } = await import('../../commands/schedule.ts');
      return report(await runScheduleWrite(cliContext(), { name, inS, everyS, note: str(opts.note), journal: str(opts.journal) }));
    });

  cli
    .command('schedule rm <name>', 'Remove schedules/<name>.json (nothing to remove is fine)')
    .option(...JOURNAL)
    .action(async (name: string, opts: Opts) => {
      const { runScheduleRm } = await import('../../commands/schedule.ts');
      return report(await runScheduleRm(cliContext(), name, str(opts.journal)));
    });

  cli
    .command('schedule list', 'List the schedules with their signal and detail (what the decider sees)')
    .option('--json', 'One JSON object: name → the schedule file (null when unreadable)')
    .action(async (opts: Opts) => {
      const ctx = cliContext();
      const { runScheduleList } = await import('../../commands/schedule.ts');
      const rows = runScheduleList(ctx);
      for (const r of rows) if (r.problem !== null) err(`looop: ${neutralize(r.problem)}`);
      if (opts.json === true) {
        out(JSON.stringify(Object.fromEntries(rows.map((r) => [r.name, r.schedule]))));
        return 0;
      }
      if (rows.length === 0) out('(no schedules)');
      for (const r of rows) out(`${neutralize(r.name)}\t${JSON.stringify(r.signal)}\t${neutralize(JSON.stringify(r.detail))}`);
      return 0;
    });
}
