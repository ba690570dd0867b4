// `looop ask`: write the question, block on a watch of the mailbox, print only the
// answer. Printing comes before the `delivered` transition, so a kill between the
// two can repeat an answer but never lose one; archiving comes only after it.
import path from 'node:path';
import { LooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import { ensureLayout, unixSeconds, type Ctx } from '../context.ts';
import { readEntity, describeInvalid } from '../store/envelope.ts';
import { selfIdentity } from '../proc/processIdentity.ts';
import { holdLease } from '../proc/lease.ts';
import { openDirWatch } from '../watch/dirWatch.ts';
import { ASK_KIND, askFile } from '../mailbox/askKind.ts';
import { createAskRecord } from '../mailbox/askRecords.ts';
import { recordDelivery, strandAsk } from '../mailbox/askMoves.ts';
import { readAnswer, readAnswerIn, settleMs } from '../mailbox/answerFiles.ts';
import { answerArchiveDir, archiveAsks, archivedAskFile } from '../mailbox/askArchive.ts';
import { drainTells, withSteering, type Tell } from '../mailbox/tells.ts';

export interface AskInputArgs {
  readonly worker: string;
  readonly prompt: string;
  readonly reference: string | null;
  readonly options: readonly string[];
}

export interface AskHooks {
  /** Called with the text to print, before the ask is marked delivered. */
  readonly deliver: (text: string) => void;
  /** Aborting strands the ask (the asker is going away) and rejects. */
  readonly signal?: AbortSignal;
}

export interface AskResult {
  readonly id: string;
  readonly text: string;
}

function timeoutMs(ctx: Ctx): number | null {
  const raw = ctx.env.LOOOP_ASK_TIMEOUT_S?.trim();
  if (raw === undefined || raw === '') return null;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) {
    ctx.warn('env:LOOOP_ASK_TIMEOUT_S', `ignoring LOOOP_ASK_TIMEOUT_S=${JSON.stringify(raw)} (not a number of seconds) — waiting without a limit`);
    return null;
  }
  return n * 1000;
}

export async function runAsk(ctx: Ctx, args: AskInputArgs, hooks: AskHooks): Promise<AskResult> {
  validateId('worker id', args.worker);
  if (args.prompt.trim() === '') throw new LooopError('USAGE', 'ask: empty --prompt', { hint: 'pass the question with --prompt "…"' });
  ensureLayout(ctx.paths);
  const limit = timeoutMs(ctx);
  const deadline = limit === null ? null : Date.now() + limit;

  // Our lease exists before the record names us, for judges in other PID namespaces.
  const lease = holdLease(ctx.paths.lockDir, selfIdentity());
  // Watch before the record exists, so no answer can slip in unseen.
  const watch = await openDirWatch([ctx.paths.asks, ctx.paths.answers], {
    env: ctx.env,
    onFallback: (m) => ctx.warn('watch-fallback', m),
  });
  let abort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    abort = () => resolve('aborted');
    if (hooks.signal?.aborted === true) resolve('aborted');
    hooks.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  try {
    const created = await createAskRecord(ctx, {
      worker: args.worker,
      prompt: args.prompt,
      reference: args.reference,
      options: args.options,
      ts: unixSeconds(ctx.now()),
      asker: selfIdentity(),
    });
    const id = created.context.id;
    const file = askFile(ctx.paths, id);
    const settle = settleMs(ctx.env);
    const rel = (f: string): string => path.relative(ctx.paths.dataDir, f);

    for (;;) {
      const rec = readEntity(file, ASK_KIND);
      if (rec.kind === 'absent') {
        // Moved to the archive by someone who judged it finished: deliver its answer if it has one.
        const late = archivedAnswer(ctx, id, settle);
        if (late !== null) return deliver(ctx, args.worker, id, late.text, hooks);
        throw new LooopError('ASK_VANISHED', `ask ${id}: the ask record vanished (${rel(file)} was deleted or archived) — no answer can arrive`, {
          hint: 'ask again',
        });
      }
      if (rec.kind === 'invalid') ctx.warn(`invalid:${file}`, `ask ${id}: ${describeInvalid(ctx.paths.dataDir, rec)}; still waiting for answers/${id}.*`);

      const answer = readAnswer(ctx.paths, id, ctx.now().getTime(), settle);
      if (answer.kind === 'ready') {
        const result = deliver(ctx, args.worker, id, answer.text, hooks);
        await markDelivered(ctx, id, file, rel(answer.file));
        archiveDelivered(ctx, id, file);
        return result;
      }
      if (answer.kind === 'corrupt') {
        ctx.warn(`corrupt:${answer.file}`, `ask ${id}: ${rel(answer.file)} ${answer.problem} — fix it, or re-answer with \`looop answer ${id} --force …\`; still waiting`);
      }
      if (answer.kind === 'settling' && answer.heldBy !== undefined) {
        ctx.warn(`held:${answer.file}`, `ask ${id}: ${rel(answer.file)} is still open for writing (pid ${answer.heldBy.join(', ')}) — it is delivered once the writer closes it`);
      }

      const nowMs = Date.now();
      if (deadline !== null && nowMs >= deadline) {
        await strandAsk(ctx, created, 'timed out (LOOOP_ASK_TIMEOUT_S)');
        throw new LooopError('TIMEOUT', `ask ${id}: timed out waiting for an answer (LOOOP_ASK_TIMEOUT_S=${ctx.env.LOOOP_ASK_TIMEOUT_S ?? ''})`, {
          hint: `the ask is now stranded; ask again, or raise LOOOP_ASK_TIMEOUT_S`,
        });
      }
      let wait: number | undefined = deadline === null ? undefined : deadline - nowMs;
      if (answer.kind === 'settling') wait = Math.min(wait ?? Infinity, Math.max(1, answer.readyAtMs - ctx.now().getTime()));
      const woke = await Promise.race([watch.next(wait), aborted]);
      if (woke === 'aborted') {
        await strandAsk(ctx, created, 'the asker was interrupted');
        throw new LooopError('REFUSED', `ask ${id}: interrupted before an answer arrived — the ask is stranded`, {
          hint: 'ask again when you are ready to wait',
          exitCode: 130,
        });
      }
    }
  } finally {
    abort?.();
    lease.release();
    await watch.close();
  }
}

/** Prints the answer with any steering that arrived; a tell that cannot be read never costs the answer. */
function deliver(ctx: Ctx, worker: string, id: string, answer: string, hooks: AskHooks): AskResult {
  let tells: Tell[] = [];
  try {
    tells = drainTells(ctx, worker);
  } catch (e) {
    ctx.warn('tells', `ask ${id}: could not read steering messages in tells/ (${(e as Error).message}) — delivering the answer without them`);
  }
  const text = withSteering(answer, tells);
  hooks.deliver(text);
  return { id, text };
}

function archivedAnswer(ctx: Ctx, id: string, settle: number): { text: string } | null {
  const rec = readEntity(archivedAskFile(ctx.paths, id), ASK_KIND);
  if (rec.kind !== 'ok' || rec.envelope.context.answer === null) return null;
  const a = readAnswerIn(answerArchiveDir(ctx.paths, id), id, ctx.now().getTime(), settle);
  return a.kind === 'ready' ? { text: a.text } : null;
}

/** The delivered ask leaves asks/ and answers/ (see askArchive.ts); if that fails, the next survey does it. */
function archiveDelivered(ctx: Ctx, id: string, file: string): void {
  const rec = readEntity(file, ASK_KIND);
  if (rec.kind !== 'ok' || rec.envelope.state !== 'delivered') return;
  try {
    archiveAsks(ctx.paths, [{ id, bytes: rec.bytes }], (f, p) => ctx.warn(`archive:${f}`, `${path.relative(ctx.paths.dataDir, f)} ${p}`));
  } catch (e) {
    ctx.warn('archive', `ask ${id}: delivered, but could not archive it (${(e as Error).message}) — \`looop asks\` retries`);
  }
}

async function markDelivered(ctx: Ctx, id: string, file: string, answerFile: string): Promise<void> {
  const r = await recordDelivery(ctx, id, answerFile);
  if (r.kind === 'invalid') ctx.warn(`invalid:${file}`, `answer delivered, but ${describeInvalid(ctx.paths.dataDir, r)}`);
}
