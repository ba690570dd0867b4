// `looop watch [<id>] [-a] [-s D]`: the read-only full-screen view of the fleet, the
// pending asks and one session's screen (reference §9.1). Arguments are checked
// before the terminal is touched; the TUI itself loads only here.
import type { CAC } from 'cac';
import { LooopError } from '../../errors.ts';
import { cliContext } from '../context.ts';
import { str, usage, type Opts } from '../args.ts';
import { neutralize } from '../../terminalText.ts';

const USAGE = 'looop watch [<id>] [-a|--all] [-s|--since DURATION]';
const UNIT: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds in `90`, `45s`, `30m`, `12h`, `1d` (surrounding blanks allowed); null otherwise. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (m === null) return null;
  const n = Number(m[1]) * (UNIT[m[2] ?? ''] ?? 1);
  return Number.isSafeInteger(n) ? n : null;
}

export function registerWatch(cli: CAC): void {
  cli
    .command('watch [id]', 'Full-screen, read-only view: the fleet, the pending asks and one session’s screen (q quits)')
    .option('-a, --all', 'List every session, ended ones too')
    .option('-s, --since <duration>', 'Also list sessions that ended within DURATION (90, 45s, 30m, 12h, 1d)')
    .example('looop watch')
    .example('looop watch fix-ci -s 1h')
    .action(async (id: string | undefined, opts: Opts) => {
      const ctx = cliContext();
      const since = str(opts.since);
      if (opts.all === true && since !== undefined) throw usage('watch: --all and --since are mutually exclusive', USAGE);
      const sinceSecs = since === undefined ? null : parseDuration(since);
      if (since !== undefined && sinceSecs === null) throw usage(`watch: bad duration '${neutralize(since)}' (try 1d, 12h, 30m, 90s)`, USAGE);
      if (id !== undefined) {
        const { validateId } = await import('../../ids.ts');
        validateId('session id', id);
        const { readSession } = await import('../../sessions/fleet.ts');
        if (id !== 'pulse' && readSession(ctx, id).kind === 'absent') {
          throw new LooopError('NOT_FOUND', `watch: unknown session '${neutralize(id)}'`, { hint: 'list sessions with: looop worker list -a' });
        }
      }
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new LooopError('USAGE', 'watch: needs a terminal on stdin and stdout', { hint: 'for a one-shot look use: looop worker list' });
      }
      const { runWatch } = await import('../../watchTui/loop.ts');
      return runWatch(ctx, { filter: opts.all === true ? 'all' : since !== undefined ? 'recent' : 'living', options: { requested: id ?? null, sinceSecs } });
    });
}
