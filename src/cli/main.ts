// Entry point: parse argv with cac, run one command, print, set the exit code.
// This is the only place that calls process.exit.
import { cac, type CAC } from 'cac';
import { isLooopError } from '../errors.ts';
import { err, out } from './io.ts';
import { VERSION, manual } from './manual.ts';
import { setArgv } from './argv.ts';
import { registerMailbox } from './verbs/mailbox.ts';
import { prewarmWorkerHost, registerSessions } from './verbs/sessions.ts';
import { registerClaims } from './verbs/claims.ts';

const COMPOUND: Readonly<Record<string, readonly string[]>> = {
  worker: ['start', 'kill', 'list', 'ls'],
};
const ALIASES: Readonly<Record<string, string>> = { w: 'worker', ss: 'screenshot' };

/** `_ x` → `x`; `w ls` → `worker list`; `worker start` becomes one token cac can match. */
export function normalizeArgv(raw: readonly string[]): string[] {
  const argv = [...raw];
  if (argv[0] === '_') argv.shift();
  const first = argv[0];
  if (first !== undefined && ALIASES[first] !== undefined) argv[0] = ALIASES[first];
  const head = argv[0];
  const sub = argv[1];
  if (head !== undefined && sub !== undefined && COMPOUND[head]?.includes(sub)) {
    argv.splice(0, 2, `${head} ${sub === 'ls' ? 'list' : sub}`);
  }
  return argv;
}

function buildCli(): CAC {
  const cli = cac('looop');
  registerMailbox(cli);
  registerSessions(cli);
  registerClaims(cli);
  cli.command('version', 'Print the version').action(() => {
    out(`looop ${VERSION}`);
    return 0;
  });
  cli.command('help [...topic]', 'Show the manual, or the help of one verb').action((topic: string[]) => {
    if (topic.length === 0) {
      out(manual());
      return 0;
    }
    const name = normalizeArgv(topic)[0];
    const cmd = cli.commands.find((c) => c.name === name || c.aliasNames.includes(name ?? ''));
    if (cmd === undefined) {
      err(`looop help: unknown topic \`${topic.join(' ')}\``);
      err(`topics: ${cli.commands.map((c) => c.name).join(', ')}`);
      return 1;
    }
    cmd.outputHelp();
    return 0;
  });
  cli.help();
  return cli;
}

function summary(cli: CAC): string {
  const rows = cli.commands.filter((c) => c.description !== '').map((c) => `  ${c.rawName.padEnd(44)} ${c.description}`);
  return [`looop ${VERSION} — a control loop for agent-driven work`, '', 'Usage: looop <verb> [args]', '', ...rows, '', 'Run `looop help` for the manual, `looop <verb> --help` for one verb.'].join('\n');
}

async function main(): Promise<number> {
  const argv = normalizeArgv(process.argv.slice(2));
  setArgv(argv);
  await prewarmWorkerHost(argv);
  if (argv[0] === '-h' || argv[0] === '--help') {
    out(manual());
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    out(`looop ${VERSION}`);
    return 0;
  }
  const cli = buildCli();
  if (argv.length === 0) {
    out(summary(cli));
    return 0;
  }
  try {
    cli.parse(['node', 'looop', ...argv], { run: false });
    if (cli.matchedCommand === undefined) {
      if (cli.options.help === true) return 0;
      err(`looop: unknown verb \`${argv[0]}\``);
      err('run `looop` for the list of verbs');
      return 1;
    }
    if (cli.options.help === true) return 0;
    const code: unknown = await cli.runMatchedCommand();
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    if (isLooopError(e)) {
      err(e.message.startsWith('looop') ? e.message : `looop: ${e.message}`);
      if (e.hint !== undefined) err(`  ${e.hint}`);
      return e.exitCode;
    }
    if (e instanceof Error && e.name === 'CACError') {
      const cmd = cli.matchedCommand;
      err(`looop: ${e.message}`);
      if (cmd !== undefined) err(`usage: looop ${cmd.rawName}   (looop ${cmd.name} --help for more)`);
      return 1;
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
