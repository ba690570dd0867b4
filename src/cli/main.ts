// Entry point: parse argv against the declared verbs, run one command, print, set
// the exit code. This is the only place that calls process.exit.
import { isLooopError } from '../errors.ts';
import { neutralize } from '../terminalText.ts';
import { err, out } from './io.ts';
import { VERSION, manual } from './manual.ts';
import { actionArgs, GROUPS, normalizeArgv, parseCommandLine } from './commandLine.ts';
import { groupHelp, summary, topicCommand, verbHelp } from './help.ts';
import { environmentProblem } from './envErrors.ts';
import { buildProgram } from './program.ts';
import { prewarmWorkerHost } from './verbs/sessions.ts';
import type { CAC, Command } from 'cac';

function usageLine(verb: Command): string {
  return `usage: looop ${verb.usageText?.split('\n')[0] ?? verb.rawName}   (looop ${verb.name} --help for more)`;
}

function helpTopic(cli: CAC, words: readonly string[]): number {
  if (words.length === 0) {
    out(manual());
    return 0;
  }
  const norm = normalizeArgv(words);
  const head = norm[0] ?? '';
  if (norm.length === 1 && GROUPS[head] !== undefined) {
    out(groupHelp(cli, head));
    return 0;
  }
  const cmd = norm.length === 1 ? topicCommand(cli, norm) : undefined;
  if (cmd === undefined) {
    err(`looop help: unknown topic \`${words.join(' ')}\``);
    err(`topics: ${[...new Set(cli.commands.map((c) => c.name.split(' ')[0] ?? c.name))].join(', ')}`);
    return 1;
  }
  out(verbHelp(cmd));
  return 0;
}

async function run(cli: CAC, argv: readonly string[]): Promise<number> {
  const line = parseCommandLine(cli, argv);
  switch (line.kind) {
    case 'summary':
      out(summary(cli));
      return 0;
    case 'manual':
      out(manual());
      return 0;
    case 'version':
      out(`looop ${VERSION}`);
      return 0;
    case 'topic':
      return helpTopic(cli, line.words);
    case 'group':
      if (line.unknown === null) {
        out(groupHelp(cli, line.group));
        return 0;
      }
      err(`looop: unknown ${line.group} subcommand \`${line.unknown}\` (${(GROUPS[line.group] ?? []).join(', ')})`);
      err(`run \`looop ${line.group}\` for the list`);
      return 1;
    case 'unknown-verb':
      err(`looop: unknown verb \`${line.word}\``);
      err('run `looop` for the list of verbs');
      return 1;
    case 'help':
      out(verbHelp(line.verb));
      return 0;
    case 'usage':
      err(`looop: ${line.verb.name}: ${line.message}`);
      err(usageLine(line.verb));
      return 1;
    case 'run': {
      const action = line.verb.commandAction;
      if (action === undefined) return 0;
      const code: unknown = await action(...actionArgs(line.verb, line.positionals, line.options));
      return typeof code === 'number' ? code : 0;
    }
  }
}

async function main(): Promise<number> {
  // `worker start` boots its session host first, so node's start-up overlaps the CLI's own work.
  await prewarmWorkerHost(normalizeArgv(process.argv.slice(2)));
  const cli = buildProgram();
  try {
    return await run(cli, process.argv.slice(2));
  } catch (e) {
    const problem = environmentProblem(e, process.env, process.cwd());
    if (problem !== null) {
      err(neutralize(problem));
      return 1;
    }
    if (isLooopError(e)) {
      err(neutralize(e.message.startsWith('looop') ? e.message : `looop: ${e.message}`));
      if (e.hint !== undefined) err(`  ${neutralize(e.hint)}`);
      return e.exitCode;
    }
    err(`looop: internal error — this is a bug; please report it with the command you ran`);
    err(e instanceof Error ? (e.stack ?? e.message) : String(e));
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    err(`looop: ${String(e)}`);
    process.exit(1);
  },
);
