// cac wiring for the mailbox verbs. Each action normalizes cac's loose values,
// lazily imports its command, prints the result and returns the exit code.
import type { CAC } from 'cac';
import { cliContext } from '../context.ts';
import { err, json, logLine, out } from '../io.ts';
import { list, readStdin, str, usage, words, type Opts } from '../args.ts';
import { optionValue, optionValues, wordsAfter } from '../argv.ts';
import type { AskView } from '../../mailbox/askRecords.ts';

function askLines(a: AskView, indent = ''): string[] {
  const lines = [`${indent}⚑ ${a.id} (${a.worker}): ${a.prompt}`];
  if (a.reference !== undefined) lines.push(`${indent}    ref: ${a.reference}`);
  if (a.options !== undefined) lines.push(`${indent}    options: ${a.options.join(', ')}`);
  return lines;
}

export function registerMailbox(cli: CAC): void {
  cli
    .command('ask [worker]', 'Worker self-callback: raise a question and block until a human answers; prints only the answer')
    .option('--prompt <text>', 'The question (required)')
    .option('--ref <path>', 'A file the human should read first, e.g. reports/x.md')
    .option('--options <a,b>', 'Suggested answers, comma-separated (repeatable)')
    .example('answer=$(looop ask w1 --prompt "Ship it?" --options yes,no)')
    .action(async (worker: unknown, opts: Opts) => {
      const ctx = cliContext();
      const id = str(worker) ?? ctx.env.LOOOP_SESSION_ID ?? '';
      if (id === '') throw usage('ask: no worker id', 'looop ask <worker> --prompt "…" [--ref PATH] [--options a,b]  (or run inside a worker with $LOOOP_SESSION_ID)');
      const prompt = optionValue('prompt');
      if (prompt === undefined) throw usage('ask: missing --prompt', 'looop ask <worker> --prompt "…" [--ref PATH] [--options a,b]');
      const { runAsk } = await import('../../commands/ask.ts');
      const ac = new AbortController();
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => ac.abort());
      await runAsk(
        ctx,
        { worker: id, prompt, reference: optionValue('ref') ?? null, options: list(optionValues('options')) },
        { deliver: (text) => out(text), signal: ac.signal },
      );
      return 0;
    });

  cli
    .command('answer <ask> [...text]', 'Answer a pending ask (text, or - / nothing to read stdin); --force overwrites')
    .option('--force', 'Replace an existing answer')
    .example('looop answer w1-1 "yes, ship it"')
    .example('looop answer w1-1 - < reply.md')
    .action(async (ask: unknown, text: unknown, opts: Opts) => {
      const ctx = cliContext();
      const ws = words(text, opts);
      const body = ws.length === 0 || (ws.length === 1 && ws[0] === '-') ? (await readStdin()).replace(/\s+$/u, '') : ws.join(' ');
      const { runAnswer } = await import('../../commands/answer.ts');
      const r = await runAnswer(ctx, { id: String(ask), text: body, force: opts.force === true });
      out(logLine(`${r.id}: ${r.text}`, ctx.now()));
      if (r.kind === 'recorded-unread') err(`looop: note — ${r.why}`);
      return 0;
    });

  cli
    .command('asks', 'List the asks waiting for a human')
    .option('--json', 'JSON array')
    .action(async (opts: Opts) => {
      const ctx = cliContext();
      const { listPendingAsks } = await import('../../commands/asks.ts');
      const asks = await listPendingAsks(ctx);
      if (opts.json === true) out(json(asks));
      else if (asks.length === 0) out('no pending asks');
      else out(asks.flatMap((a) => askLines(a)).join('\n'));
      return 0;
    });

  cli
    .command('state', 'Snapshot of the world: pulse, asks, workers, goals')
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
    .allowUnknownOptions()
    .action(async (worker: unknown, msg: unknown, opts: Opts) => {
      const ctx = cliContext();
      // Dash-leading words are message text: cac parsed them as options, so take them from the raw argv.
      const raw = wordsAfter(1);
      const text = (raw.length > 0 ? raw : words(msg, opts)).join(' ').trim();
      const { runTell } = await import('../../commands/tell.ts');
      const t = runTell(ctx, String(worker), text);
      out(logLine(`queued for ${t.worker}: ${t.msg}`, ctx.now()));
      return 0;
    });

  cli
    .command('told [worker]', 'Worker self-callback: print and consume pending steering messages')
    .action(async (worker: unknown) => {
      const ctx = cliContext();
      const id = str(worker) ?? ctx.env.LOOOP_SESSION_ID ?? '';
      if (id === '') throw usage('told: no worker id', 'looop told [worker]  (or run inside a worker with $LOOOP_SESSION_ID)');
      const { runTold } = await import('../../commands/tell.ts');
      const lines = runTold(ctx, id);
      if (lines.length > 0) out(lines.join('\n'));
      return 0;
    });
}

