// cac wiring for the session verbs. Like the mailbox verbs: normalize cac's loose
// values, lazily import the command (node-pty and xterm stay out of every other
// verb's start-up), print, return the exit code.
import path from 'node:path';
import type { CAC } from 'cac';
import type { StandbyHost } from '../../sessions/hostProcess.ts';
import { cliContext } from '../context.ts';
import { err, json, out, outRaw, useColor } from '../io.ts';
import { readStdin, str, usage, type Opts } from '../args.ts';
import { outBytes } from '../bytesOut.ts';
import { clip, renderWorkers } from '../renderWorkers.ts';
import { neutralize } from '../../terminalText.ts';

const START_USAGE = 'looop worker start <id> <prompt…|-> [--command C] [--verify C]';

/** The session host spawned by prewarmWorkerHost, for the id it was spawned for. */
let prewarmed: { readonly id: string; readonly standby: StandbyHost } | null = null;

/**
 * For `worker start <id>`, spawns the session host before the CLI even builds its
 * parser: its node start-up, the longest step of a start, then overlaps everything
 * the CLI does (see StandbyHost). main() calls this first; other verbs pay nothing.
 */
export async function prewarmWorkerHost(argv: readonly string[]): Promise<void> {
  const id = argv[1];
  if ((argv[0] !== 'worker start' && argv[0] !== 'start-session') || id === undefined || id.startsWith('-')) return;
  try {
    const { StandbyHost } = await import('../../sessions/hostProcess.ts');
    prewarmed = { id, standby: new StandbyHost(cliContext(), id) };
  } catch {
    // Only an optimisation: the verb itself meets (and reports) whatever went wrong.
  }
}

async function startWorker(id: string, promptWords: readonly string[], opts: { command?: string; verify?: string; runner?: string }): Promise<number> {
  const ctx = cliContext();
  const prompt = promptWords.length === 0 || (promptWords.length === 1 && promptWords[0] === '-') ? await readStdin() : promptWords.join(' ');
  if (prompt.trim() === '') throw usage('worker start: missing prompt', START_USAGE);
  // The session host boots while the rest of `worker start` loads, checks and writes; refused, it exits unused.
  let standby = prewarmed?.id === id ? prewarmed.standby : null;
  if (standby === null) {
    prewarmed?.standby.release();
    const { StandbyHost } = await import('../../sessions/hostProcess.ts');
    standby = new StandbyHost(ctx, id);
  }
  prewarmed = null;
  try {
    const { describeEnd } = await import('../../commands/workerStart.ts');
    let r;
    if (opts.runner !== undefined) {
      // The seed-era `start-session … <runner>` picks a config runner, which no action carries: started directly, not journaled.
      const { runWorkerStart } = await import('../../commands/workerStart.ts');
      r = await runWorkerStart(ctx, { id, prompt, ...opts, standby });
    } else {
      // The same action path as the pulse's start_worker: journaled, goal-stamped.
      const { executeAction } = await import('../../actions/execute.ts');
      const given = (v: string | undefined): string | undefined => (v === undefined || v.trim() === '' ? undefined : v);
      const command = given(opts.command);
      const verify = given(opts.verify);
      const o = await executeAction(
        ctx,
        { action: 'start_worker', id, prompt, ...(command === undefined ? {} : { command }), ...(verify === undefined ? {} : { verify }) },
        { source: 'cli', standby },
      );
      if (o.kind === 'failed') throw o.error;
      if (o.effect.kind !== 'worker') throw new Error(`start_worker returned a ${o.effect.kind} effect`);
      r = o.effect.result;
    }
    if (r.early !== null) {
      const shown = r.early.screen.length > 0 ? '; the last lines of its screen:' : ', printing nothing';
      err(`looop: worker start ${neutralize(r.id)}: the worker ended within its first second (${describeEnd(r.early)})${shown}`);
      for (const line of r.early.screen) err(`    ${neutralize(line)}`);
      err(`  all it printed: looop log ${neutralize(r.id)}`);
      return 1;
    }
    out(`start-worker ${neutralize(r.id)}${r.override ? ' (command override)' : ''}`);
    return 0;
  } finally {
    standby.release();
  }
}

async function kill(id: string): Promise<number> {
  const ctx = cliContext();
  // The same action path as the pulse's kill_worker: journaled, goal-stamped.
  const { executeAction } = await import('../../actions/execute.ts');
  const o = await executeAction(ctx, { action: 'kill_worker', id }, { source: 'cli' });
  if (o.kind === 'failed') throw o.error;
  if (o.effect.kind !== 'kill') throw new Error(`kill_worker returned a ${o.effect.kind} effect`);
  const r = o.effect.result;
  out(`killed ${neutralize(r.id)}${r.escalated ? ' (escalated to SIGKILL)' : ''}${r.via === 'direct' ? ' (its host was gone)' : ''}`);
  if (!r.confirmed) err(`looop: kill ${r.id}: some process of the session survived SIGKILL (it may have left the process group)`);
  return 0;
}

export function registerSessions(cli: CAC): void {
  cli
    .command('worker start <id> [...prompt]', 'Start a worker: an agent in a detached PTY session (prompt words, or - / nothing for stdin)')
    .option('--command <cmd>', "Run this instead of the configured worker_command. It must contain {{prompt_file}} (the worker's brief); a command that ignores the brief can put it in a comment: --command 'vim # {{prompt_file}}'")
    .option('--verify <cmd>', 'A shell command that exits 0 only when the work is truly done')
    .example('looop worker start fix-ci "make CI green on main"')
    .example("looop worker start demo hi --command 'bash {{prompt_file}}'")
    .action(async (id: string, prompt: string[], opts: Opts) => startWorker(id, prompt, { command: str(opts.command), verify: str(opts.verify) }));

  cli
    .command('start-session <id> <prompt> [runner]', 'Start a worker (the seed-era alias of `worker start`; runner = a name under "runners" in the config)')
    .action(async (id: string, prompt: string, runner: string | undefined) => startWorker(id, [prompt], runner === undefined ? {} : { runner }));

  cli.command('worker kill <id>', 'End a worker: its whole process group (SIGHUP, then SIGKILL)').action(kill);
  cli.command('kill <id>', 'End a session: its whole process group; the record says killed before this returns').action(kill);

  cli
    .command('worker list', 'List the fleet: the pulse, then live workers with their health')
    .option('--json', 'JSON array')
    .option('-a, --all', 'Include dead workers')
    .option('-w, --watch', 'Repaint in place until Ctrl-C')
    .option('--interval <secs>', 'With --watch: repaint at least this often for the ages (default 2); changes repaint at once')
    .action(async (opts: Opts) => {
      const ctx = cliContext();
      if (opts.json === true && opts.watch === true) throw usage('worker list: --json and --watch do not mix', 'looop worker list [--json] [-a] [-w [--interval N]]');
      if (opts.interval !== undefined && opts.watch !== true) throw usage('worker list: --interval needs --watch', 'looop worker list -w --interval N');
      const { listWorkers } = await import('../../commands/workerList.ts');
      const all = opts.all === true;
      if (opts.json === true) {
        const rows = await listWorkers(ctx, { all });
        out(json(rows.map(({ verify: _v, ...r }) => r)));
        return 0;
      }
      if (opts.watch !== true) {
        out(renderWorkers(await listWorkers(ctx, { all }), useColor()));
        return 0;
      }
      const interval = str(opts.interval);
      if (interval !== undefined && !/^\d+(\.\d+)?$/.test(interval)) throw usage('worker list: --interval needs a number of seconds', 'looop worker list -w --interval N');
      const secs = Math.max(1, Number(interval ?? 2) || 2);
      // Repaints when the fleet's files change (a worker starts, ends, asks, is judged, the
      // pulse comes or goes), and every `secs` for the columns that move with the clock alone.
      const { openChangeFeed } = await import('../../watch/pathWatch.ts');
      const p = ctx.paths;
      const feed = await openChangeFeed(
        [
          { dir: p.sessions, depth: 1, names: (n: string) => n === 'session.json' },
          { dir: p.asks, names: (n: string) => n.endsWith('.json') },
          { dir: path.join(p.dataDir, 'verify') },
          { dir: p.lockDir },
        ],
        { env: ctx.env },
      );
      let previous = 0;
      for (;;) {
        const rows = await listWorkers(ctx, { all });
        const t = ctx.now().toTimeString().slice(0, 8);
        const cols = process.stdout.columns || 200;
        const block = [`fleet · ${t}  (live; ages every ${secs}s — Ctrl-C to stop)`, '', ...renderWorkers(rows, useColor()).split('\n')].map((l) => clip(l, cols));
        outRaw(`${previous > 0 ? `\x1b[${previous}A\r` : ''}\x1b[J${block.join('\n')}\n`);
        previous = block.length;
        await feed.next({ withinMs: secs * 1000 });
      }
    });

  cli
    .command('send <id> [...text]', 'Type text into a session as keystrokes, then Enter (unless -n)')
    .option('-n', 'No Enter after the text')
    .option('--no-newline', 'Same as -n')
    .example('looop send w1 "yes, continue"')
    .action(async (id: string, text: string[], opts: Opts) => {
      const ctx = cliContext();
      // Spaces are keystrokes too: only no text at all is refused.
      const t = text.join(' ');
      if (t === '') throw usage('send: no text', 'looop send <id> <text…> [-n|--no-newline]');
      const { runSend } = await import('../../commands/send.ts');
      const r = await runSend(ctx, id, t, !(opts.n === true || opts.newline === false));
      out(`sent to ${neutralize(r.id)}`);
      return 0;
    });

  cli
    .command('screenshot <id>', 'Print the screen of a session (live, or after it ended); plain text by default')
    .alias('ss')
    .option('--plain', 'Text rows (default)')
    .option('--ansi', 'Rows with colours (SGR)')
    .option('--json', 'Object with rows, cols, cursor, text and styled cells')
    .option('--no-trim', 'Keep trailing blank rows')
    .action(async (id: string, opts: Opts) => {
      const ctx = cliContext();
      const picked = (['plain', 'ansi', 'json'] as const).filter((f) => opts[f] === true);
      if (picked.length > 1) throw usage(`screenshot: --${picked.join(' and --')} are mutually exclusive`, 'looop screenshot <id> [--plain|--ansi|--json] [--no-trim]');
      const { runScreenshot } = await import('../../commands/screenshot.ts');
      const r = await runScreenshot(ctx, id, picked[0] ?? 'plain', opts.trim !== false);
      // Exactly one newline after the screen: trailing blank rows (--no-trim) are part of it.
      outRaw(`${typeof r.output === 'string' ? r.output : json(r.output)}\n`);
      return 0;
    });

  cli
    .command('attach <id>', 'Show a live session interactively; your keys go to it. Detach: press Ctrl-\\ twice')
    .usage('attach <id>\n\n  Shows the live screen of session <id> and types your keys into it (the session takes\n  your terminal size while you are attached).\n  Detach: press Ctrl-\\ twice. A single Ctrl-\\ followed by any other key is passed through.\n  On detach the terminal is restored and the session keeps running.')
    .example('looop attach w1      # Ctrl-\\ Ctrl-\\ to detach; the session keeps running')
    .action(async (id: string) => {
      const ctx = cliContext();
      const { checkAttachable, runAttach } = await import('../../commands/attach.ts');
      checkAttachable(ctx, id);
      const { terminalPort } = await import('../terminalPort.ts');
      const port = terminalPort(id);
      try {
        const r = await runAttach(ctx, id, port.port);
        err(r.how === 'detached' ? `[detached from ${id} — reattach with: looop attach ${id}]` : `[session ${id} ended (${r.state})]`);
        return 0;
      } finally {
        port.close();
      }
    });

  cli
    .command('log <id>', "Print a session's transcript (escape codes stripped unless --raw)")
    .option('--tail <n>', 'Only the last N lines')
    .option('-f, --follow', 'Keep printing new output until the session ends')
    .option('--raw', 'Keep the escape codes, byte for byte')
    .action(async (id: string, opts: Opts) => {
      const ctx = cliContext();
      const tailRaw = str(opts.tail);
      if (tailRaw !== undefined && !/^\d+$/.test(tailRaw)) throw usage('log: --tail needs a whole number', 'looop log <id> [--tail N] [--follow] [--raw]');
      const { runLog } = await import('../../commands/log.ts');
      await runLog(ctx, id, { tail: tailRaw === undefined ? undefined : Number(tailRaw), follow: opts.follow === true, raw: opts.raw === true }, (c) =>
        typeof c === 'string' ? outRaw(c) : outBytes(c),
      );
      return 0;
    });
}
