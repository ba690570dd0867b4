// cac declarations for the mailbox verbs. Each action takes its words exactly as
// typed, lazily imports its command, prints the result and returns the exit code.
import type { CAC } from 'cac';
import { cliContext } from '../context.ts';
import { err, json, logLine, out } from '../io.ts';
import { blank, list, readStdin, str, usage, type Opts } from '../args.ts';
import { neutralize, neutralizeLines } from '../../terminalText.ts';
import type { AskView } from '../../mailbox/askRecords.ts';

const ASK_USAGE = 'looop ask <worker> --prompt "…" [--ref PATH] [--options a,b]';

function askLines(a: AskView, indent = ''): string[] {
  const lines = [`${indent}⚑ ${neutralize(a.id)} (${neutralize(a.worker)}): ${neutralize(a.prompt)}`];
  if (a.reference !== undefined) lines.push(`${indent}    ref: ${neutralize(a.reference)}`);
  if (a.options !== undefined) lines.push(`${indent}    options: ${neutralize(a.options.join(', '))}`);
  return lines;
}

export function registerMailbox(cli: CAC): void {
  cli
    .command('ask [worker]', 'Raise a question for a human and block until it is answered; prints only the answer (a worker self-callback)')
    .option('--prompt <text>', 'The question (required)')
    .option('--ref <path>', 'A file the human should read first, e.g. reports/x.md')
    .option('--options <a,b>', 'Suggested answers, comma-separated (repeatable)')
    .example('answer=$(looop ask w1 --prompt "Ship it?" --options yes,no)')
    .action(async (worker: string | undefined, opts: Opts) => {
      const ctx = cliContext();
      const id = worker ?? ctx.env.LOOOP_SESSION_ID ?? '';
      if (id === '') throw usage('ask: no worker id', `${ASK_USAGE}  (or run inside a worker with $LOOOP_SESSION_ID)`);
      const prompt = str(opts.prompt);
      if (prompt === undefined) throw usage('ask: missing --prompt', ASK_USAGE);
      const { runAsk } = await import('../../commands/ask.ts');
      const ac = new AbortController();
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => ac.abort());
      // The answer is data for the worker: printed byte for byte, never neutralised.
      await runAsk(ctx, { worker: id, prompt, reference: str(opts.ref) ?? null, options: list(opts.options) }, { deliver: (text) => out(text), signal: ac.signal });
      return 0;
    });

  cli
    .command('answer <ask> [...text]', 'Answer a pending ask (text, or - / nothing to read stdin); --force overwrites')
    .option('--force', 'Replace an existing answer')
    .example('looop answer w1-1 "yes, ship it"')
    .example('looop answer w1-1 - < reply.md')
    .example('looop answer -- -r-1 "an id or text that starts with a dash"')
    .action(async (ask: string, text: string[], opts: Opts) => {
      const ctx = cliContext();
      const body = text.length === 0 || (text.length === 1 && text[0] === '-') ? (await readStdin()).replace(/\s+$/u, '') : text.join(' ');
      const { runAnswer } = await import('../../commands/answer.ts');
      const r = await runAnswer(ctx, { id: ask, text: body, force: opts.force === true });
      out(logLine(`${neutralize(r.id)}: ${neutralize(r.text)}`, ctx.now()));
      if (r.kind === 'recorded-unread') err(`looop: note — ${r.why}`);
      return 0;
    });

  cli
    .command('asks', 'List the asks waiting for a human')
    .option('--json', 'JSON array')
    .option('--all', 'Every ask, answered and archived ones too, with its state')
    .action(async (opts: Opts) => {
      const ctx = cliContext();
      if (opts.all === true) {
        const { listAllAsks } = await import('../../commands/asks.ts');
        const all = await listAllAsks(ctx);
        if (opts.json === true) out(json(all));
        else if (all.length === 0) out('no asks');
        else out(all.flatMap((a) => [`[${a.state}${a.archived ? ' · archived' : ''}]`, ...askLines(a, '  ')]).join('\n'));
        return 0;
      }
      const { listPendingAsks } = await import('../../commands/asks.ts');
      const asks = await listPendingAsks(ctx);
      if (opts.json === true) out(json(asks));
      else if (asks.length === 0) out('no pending asks');
      else out(asks.flatMap((a) => askLines(a)).join('\n'));
      return 0;
    });

  cli
    .command('state', 'Print a snapshot of the world: pulse, asks, workers, goals')
    .option('--json', 'JSON object')
    .action(async (opts: Opts) => {
      const ctx = cliContext();
      const { readState } = await import('../../commands/state.ts');
      const { renderState } = await import('../renderState.ts');
      const s = await readState(ctx);
      out(opts.json === true ? json(s) : renderState(s, ctx.now()));
      return 0;
    });

  cli
    .command('wait', 'Block until the world changes, then print the state (exit 2 when the pulse is down)')
    .option('--json', 'JSON object with a "changed" list')
    .option('--actionable', 'Wake only on asks or journal changes')
    .option('--only-asks', 'Wake only on asks')
    .action(async (opts: Opts) => {
      const ctx = cliContext();
      const { runWait } = await import('../../commands/wait.ts');
      const { renderState } = await import('../renderState.ts');
      const filter = opts.onlyAsks === true ? 'only-asks' : opts.actionable === true ? 'actionable' : 'any';
      const { changed, state: s } = await runWait(ctx, filter);
      if (opts.json === true) out(json({ ...s, changed }));
      else out(`changed: ${changed.join(', ')}\n${renderState(s, ctx.now())}`);
      return changed.includes('pulse-down') ? 2 : 0;
    });

  cli
    .command('tell <worker> [...msg]', 'Queue a steering message into a live worker (read by `told` or with its next answer)')
    // Message words may start with a dash (`tell w1 --force-push is forbidden`).
    .allowUnknownOptions()
    .action(async (worker: string, msg: string[]) => {
      const ctx = cliContext();
      const text = msg.join(' ');
      if (blank(text)) throw usage('tell: empty message (blank text is never sent)', `looop tell ${worker} "<message>"`);
      const { runTell } = await import('../../commands/tell.ts');
      const t = runTell(ctx, worker, text);
      out(logLine(`queued for ${neutralize(t.worker)}: ${neutralize(t.msg)}`, ctx.now()));
      return 0;
    });

  cli
    .command('told [worker]', 'Print and consume the pending steering messages (a worker self-callback)')
    .action(async (worker: string | undefined) => {
      const ctx = cliContext();
      const id = worker ?? ctx.env.LOOOP_SESSION_ID ?? '';
      if (id === '') throw usage('told: no worker id', 'looop told [worker]  (or run inside a worker with $LOOOP_SESSION_ID)');
      const { runTold } = await import('../../commands/tell.ts');
      const lines = runTold(ctx, id);
      // Line breaks a human put in a tell stay; escape sequences do not reach the terminal.
      if (lines.length > 0) out(lines.map((l) => neutralizeLines(l)).join('\n'));
      return 0;
    });
}
