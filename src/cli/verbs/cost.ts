// cac wiring for the spend ledger (reference §8.20): `looop cost [today|all] [--json]`
// reads cost.jsonl; `looop cost session <id> <runner> <usd>` is how a worker reports
// what its own run cost (the worker contract tells it to).
import type { CAC } from 'cac';
import { cliContext } from '../context.ts';
import { err, json, out } from '../io.ts';
import type { Opts } from '../args.ts';
import { LooopError } from '../../errors.ts';
import { neutralize } from '../../terminalText.ts';

const USAGE = 'looop cost [today|all] [--json]';
const SESSION_USAGE = 'looop cost session <id> <runner> <usd>';

async function report(period: string | undefined, opts: Opts): Promise<number> {
  if (period !== undefined && period !== 'today' && period !== 'all') {
    err(`looop: cost: unknown period \`${period}\` (today or all; a spend is recorded with \`${SESSION_USAGE}\`)`);
    err(`usage: ${USAGE}`);
    return 1;
  }
  const ctx = cliContext();
  const { costSummary } = await import('../../cost/summary.ts');
  const { formatUsd } = await import('../../cost/usd.ts');
  const s = costSummary(ctx, period ?? 'all', ctx.now());
  if (s.problem !== null) err(`looop: ${s.problem}`);
  if (opts.json === true) {
    out(json(s.rows.map(({ ts, kind, id, runner, usd }) => ({ ts, kind, id, runner, usd }))));
    return 0;
  }
  if (!s.exists) {
    out('looop: no LLM cost recorded yet.');
    out(`  ledger: ${neutralize(s.file)}  (the pulse writes it after each decide; workers with \`${SESSION_USAGE}\`)`);
    return 0;
  }
  const lines = [s.period === 'all' ? 'looop cost — all time' : `looop cost — today (${s.day ?? ''} local)`, `  total: ${formatUsd(s.totalUsd)}  (${s.calls} call${s.calls === 1 ? '' : 's'})`];
  if (s.calls > 0) {
    lines.push('  by kind:', ...s.byKind.map(([k, usd]) => `    ${neutralize(k)}: ${formatUsd(usd)}`));
    lines.push('  by runner:', ...s.byRunner.map(([r, usd]) => `    ${neutralize(r)}: ${formatUsd(usd)}`));
  }
  out(lines.join('\n'));
  return 0;
}

async function session(id: string, runner: string, usdText: string): Promise<number> {
  const ctx = cliContext();
  const { validateId } = await import('../../ids.ts');
  const { parseUsd, formatUsd } = await import('../../cost/usd.ts');
  validateId('session id', id);
  if (runner.trim() === '' || /[\x00-\x1f\x7f]/.test(runner)) {
    throw new LooopError('USAGE', `cost session: the runner name ${JSON.stringify(runner)} is empty or has control characters`, { hint: `usage: ${SESSION_USAGE}` });
  }
  const usd = parseUsd(usdText);
  if (usd === null) {
    throw new LooopError('USAGE', `cost session: ${JSON.stringify(usdText)} is not an amount in US dollars (e.g. 0.42)`, { hint: `usage: ${SESSION_USAGE}` });
  }
  const { appendCost } = await import('../../cost/ledger.ts');
  const { ensureDir } = await import('../../store/fsio.ts');
  ensureDir(ctx.paths.dataDir);
  if (!appendCost(ctx, { kind: 'session', id, runner, usd }, ctx.now())) {
    out(`looop: nothing recorded for ${id}: ${formatUsd(usd)} is no spend`);
    return 0;
  }
  out(`looop: recorded ${formatUsd(usd)} for session ${id} (${neutralize(runner)})`);
  return 0;
}

export function registerCost(cli: CAC): void {
  cli
    .command('cost [period]', 'What the LLM calls cost: today or all time (default), by kind and by runner, from cost.jsonl')
    .option('--json', 'Print the rows of the period as a JSON array')
    .example('looop cost today')
    .action(async (period: string | undefined, opts: Opts) => report(period, opts));
  cli
    .command('cost session <id> <runner> <usd>', 'Record what a worker session cost (workers run this before they finish)')
    .example('"$LOOOP_BIN" cost session "$LOOOP_SESSION_ID" claude 0.42')
    .action(async (id: string, runner: string, usd: string) => session(id, runner, usd));
}
