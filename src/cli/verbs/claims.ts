// cac wiring for the claim verbs. Agents run these thousands of times, so this file
// imports only what the CLI entry already loads; the lease logic is loaded when a verb runs.
import type { CAC } from 'cac';
import { cliContext } from '../context.ts';
import { err, out } from '../io.ts';
import { str, type Opts } from '../args.ts';
import { neutralize } from '../../terminalText.ts';

export function registerClaims(cli: CAC): void {
  cli
    .command('claim <name>', 'Take a named lease (exit 0 won or already yours, exit 1 held by a live session)')
    .option('--session <id>', 'Claim for this session (default: $LOOOP_SESSION_ID)')
    .example('"$LOOOP_BIN" claim repo-x || exit 0   # someone else is on it')
    .action(async (name: string, opts: Opts) => {
      const ctx = cliContext();
      const { runClaim, claimNotices } = await import('../../commands/claims.ts');
      const r = await runClaim(ctx, { name, session: str(opts.session) });
      if (r.kind === 'held') {
        err(`looop: claim ${r.name}: held by live session '${r.holder}'`);
        return 1;
      }
      for (const line of claimNotices('claim', r)) err(line);
      if (r.kind === 'unverifiable') return 1;
      if (r.kind === 'won') out(`claimed ${neutralize(r.name)}`);
      return 0;
    });

  cli
    .command('unclaim <name>', 'Release a named lease (idempotent; exit 1 if another live session holds it)')
    .option('--session <id>', 'Release for this session (default: $LOOOP_SESSION_ID)')
    .action(async (name: string, opts: Opts) => {
      const ctx = cliContext();
      const { runUnclaim, claimNotices } = await import('../../commands/claims.ts');
      const r = await runUnclaim(ctx, { name, session: str(opts.session) });
      if (r.kind === 'refused') {
        err(`looop: unclaim ${r.name}: held by another live session '${r.holder}'`);
        return 1;
      }
      for (const line of claimNotices('unclaim', r)) err(line);
      if (r.kind === 'unverifiable') return 1;
      if (r.kind === 'released') out(`unclaimed ${neutralize(r.name)}`);
      return 0;
    });
}
