// cac declarations for the steering verbs: the human's side of the moves the pulse
// makes (goal, sensor and PLAYBOOK writes). Bodies are bytes: words joined with
// spaces, or all of stdin (not trimmed) for none or a lone `-`.
import type { CAC } from 'cac';
import { cliContext } from '../context.ts';
import { out } from '../io.ts';
import { str, type Opts } from '../args.ts';
import { neutralize } from '../../terminalText.ts';
import type { SteeringMove } from '../../steering/steer.ts';

async function stdinBytes(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function body(words: readonly string[]): Promise<Buffer> {
  return words.length === 0 || (words.length === 1 && words[0] === '-') ? stdinBytes() : Buffer.from(words.join(' '));
}

async function steer(move: SteeringMove, opts: Opts): Promise<number> {
  const ctx = cliContext();
  const { executeSteering } = await import('../../steering/steer.ts');
  const r = executeSteering(ctx, move, { journal: str(opts.journal), source: 'cli' });
  out(neutralize(r.summary));
  return 0;
}

const JOURNAL = ['--journal <text>', 'The journal line for this move (default: the move itself, e.g. "write-goal ship")'] as const;

export function registerSteering(cli: CAC): void {
  cli
    .command('goal write <id> [...body]', 'Create or replace goals/<id>.md (body words, or - / nothing for stdin)')
    .option(...JOURNAL)
    .example('looop goal write ship "Ship the release once CI is green"')
    .example('looop goal write ship - < ship.md')
    .action(async (id: string, words: string[], opts: Opts) => steer({ kind: 'write_goal', id, body: await body(words) }, opts));

  cli
    .command('goal archive <id>', 'Move goals/<id>.md into goals/archive/ (never overwriting an archived one)')
    .option(...JOURNAL)
    .action(async (id: string, opts: Opts) => steer({ kind: 'archive_goal', id }, opts));

  cli
    .command('sensor write <name> [...script]', 'Create or replace sensors/<name>.sh, executable (script words, or - / nothing for stdin)')
    .option(...JOURNAL)
    .example(`looop sensor write ci - < ci-status.sh`)
    .action(async (name: string, words: string[], opts: Opts) => steer({ kind: 'write_sensor', id: name, body: await body(words) }, opts));

  cli
    .command('playbook write [...body]', 'Replace PLAYBOOK.md, keeping the previous one in playbook.d/ (body words, or - / nothing for stdin)')
    .option(...JOURNAL)
    .example('looop playbook write - < PLAYBOOK.md')
    .action(async (words: string[], opts: Opts) => steer({ kind: 'write_playbook', body: await body(words) }, opts));
}
