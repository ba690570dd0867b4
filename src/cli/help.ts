// Help text rendered from the verbs declared with cac: the verb summary, one verb's
// help (its first line says what it does), and the subcommands of a group.
import type { CAC, Command } from 'cac';
import { GROUPS } from './commandLine.ts';
import { VERSION } from './manual.ts';

export const GROUP_SENTENCES: Readonly<Record<string, string>> = {
  worker: 'Start, end and list workers: agents running in detached PTY sessions.',
  goal: 'Write and archive goals: the outcomes the pulse works toward (goals/<id>.md).',
  sensor: 'Write sensors: scripts the pulse runs each beat to watch the world (sensors/<name>.sh).',
  playbook: 'Rewrite the PLAYBOOK: the standing policy the pulse decides by.',
  schedule: 'Write, remove and list schedules: durable wake-ups for the pulse (schedules/<name>.json).',
  cost: 'Read and record LLM spend: the cost.jsonl ledger the daily budget breaker reads.',
};

function sentence(description: string): string {
  return /[.!?]$/.test(description) ? description : `${description}.`;
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const w = Math.max(0, ...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`);
}

/** `looop <verb> --help`. */
export function verbHelp(cmd: Command): string {
  const usage = cmd.usageText ?? `${cmd.rawName}${cmd.options.length > 0 ? ' [options]' : ''}`;
  const lines = [sentence(cmd.description), '', `Usage: looop ${usage}`];
  const options = table([...cmd.options.map((o) => [o.rawName, o.description] as const), ['-h, --help', 'Show this help']]);
  lines.push('', 'Options:', ...options);
  const args = cmd.args.map((a) => (a.required ? `<${a.value}>` : `[${a.variadic ? '...' : ''}${a.value}]`)).join(' ');
  if (cmd.config.allowUnknownOptions === true) {
    lines.push('', `Words that start with \`-\` are text; only -h/--help is not: put \`--\` before it (looop ${cmd.name} -- ${args}).`);
  } else if (cmd.args.length > 0) {
    lines.push('', `A word that starts with \`-\` goes after \`--\`: looop ${cmd.name}${cmd.options.length > 0 ? ' [options]' : ''} -- ${args}`);
  }
  if (cmd.examples.length > 0) {
    lines.push('', 'Examples:', ...cmd.examples.map((e) => `  ${typeof e === 'function' ? e('looop') : e}`));
  }
  return lines.join('\n');
}

/** `looop worker`, `looop help worker`: the group's subcommands. */
export function groupHelp(cli: CAC, group: string): string {
  const subs = cli.commands.filter((c) => c.name === group || c.name.startsWith(`${group} `));
  return [
    GROUP_SENTENCES[group] ?? `The ${group} subcommands.`,
    '',
    `Usage: looop ${group} <${(GROUPS[group] ?? []).join('|')}> …`,
    '',
    ...table(subs.map((c) => [c.rawName, c.description])),
    '',
    `Run \`looop ${group} <subcommand> --help\` for one of them.`,
  ].join('\n');
}

/** Bare `looop`: the verbs, one line each. */
export function summary(cli: CAC): string {
  const rows = table(cli.commands.filter((c) => c.description !== '').map((c) => [c.rawName, c.description]));
  return [`looop ${VERSION} — a control loop for agent-driven work`, '', 'Usage: looop <verb> [args]', '', ...rows, '', 'Run `looop help` for the manual, `looop <verb> --help` for one verb.'].join('\n');
}

/** The command a help topic names (`worker start`, `w ls`, `ss`), if any. */
export function topicCommand(cli: CAC, words: readonly string[]): Command | undefined {
  const name = words.join(' ');
  return cli.commands.find((c) => c.isMatched(name));
}
