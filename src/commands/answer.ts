// `looop answer`: exclusive create of answers/<id>.json (one winner among racing
// first answers), then the ask's ANSWER transition.
import path from 'node:path';
import { LooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import { ensureLayout, unixSeconds, type Ctx } from '../context.ts';
import { createExclusive, readIfExists, removeIfExists, writeAtomic } from '../store/fsio.ts';
import { readEntity, describeInvalid } from '../store/envelope.ts';
import { updateEntity } from '../store/entityStore.ts';
import { ASK_KIND, askFile } from '../mailbox/askKind.ts';
import { ASK_ENTITY } from '../mailbox/askEntity.ts';
import { answerPath, existingAnswerFiles } from '../mailbox/answerFiles.ts';
import { strandAsk } from '../mailbox/askSurvey.ts';
import { isAlive } from '../proc/processIdentity.ts';

export interface AnswerArgs {
  readonly id: string;
  readonly text: string;
  readonly force: boolean;
}

export type AnswerResult =
  | { readonly kind: 'recorded'; readonly id: string; readonly text: string }
  /** Recorded, but no live asker will read it. */
  | { readonly kind: 'recorded-unread'; readonly id: string; readonly text: string; readonly why: string };

export async function runAnswer(ctx: Ctx, args: AnswerArgs): Promise<AnswerResult> {
  const { id, text } = args;
  validateId('ask id', id);
  if (text.trim() === '') throw new LooopError('USAGE', 'answer: empty text', { hint: `looop answer ${id} "<text>"  (or pipe it: … | looop answer ${id} -)` });
  ensureLayout(ctx.paths);
  const file = askFile(ctx.paths, id);
  const rec = readEntity(file, ASK_KIND);
  if (rec.kind === 'absent') {
    throw new LooopError('NOT_FOUND', `answer: no pending ask "${id}" (asks/${id}.json does not exist)`, { hint: 'list the pending asks with `looop asks`' });
  }
  if (rec.kind === 'invalid') {
    throw new LooopError('CORRUPT_FILE', `answer: ${describeInvalid(ctx.paths.dataDir, rec)}`);
  }

  // Judge "unread" from the state before we wrote: a live asker may deliver our answer
  // before our own ANSWER transition lands.
  let before = rec.envelope.state;
  const asker = rec.envelope.context.asker;
  if (before === 'pending' && asker !== null && !isAlive(asker, ctx.paths)) {
    await strandAsk(ctx, rec.envelope);
    before = 'stranded';
  }
  const target = answerPath(ctx.paths, id, 'json');
  const body = `${JSON.stringify({ v: 1, answer: text, ts: unixSeconds(ctx.now()) }, null, 2)}\n`;
  if (args.force) {
    writeAtomic(target, body);
  } else {
    const existing = existingAnswerFiles(ctx.paths, id);
    if (existing.length > 0 || !createExclusive(target, body)) {
      const which = existingAnswerFiles(ctx.paths, id).map((f) => path.relative(ctx.paths.dataDir, f)).join(', ') || `answers/${id}.json`;
      throw new LooopError('ALREADY_ANSWERED', `answer: "${id}" is already answered (${which})`, {
        hint: `pass --force to overwrite: looop answer ${id} --force "<text>"`,
      });
    }
  }

  // The ask could have been removed while we wrote: take our answer back rather than leave an orphan.
  if (readIfExists(file) === null) {
    const mine = readIfExists(target);
    if (mine !== null && mine.toString('utf8') === body) removeIfExists(target);
    throw new LooopError('ASK_VANISHED', `answer: ask "${id}" vanished while answering (consumed or removed) — the answer was not recorded`);
  }

  const at = ctx.now().toISOString();
  const rel = path.relative(ctx.paths.dataDir, target);
  const r = await updateEntity(file, ASK_ENTITY, (cur) => (cur.state === 'delivered' ? [] : [{ type: 'ANSWER' as const, file: rel, at }]), ctx.now);
  if (r.kind === 'invalid') throw new LooopError('CORRUPT_FILE', `answer: recorded in ${rel}, but ${describeInvalid(ctx.paths.dataDir, r)}`);
  const state = r.kind === 'absent' ? 'absent' : r.envelope.state;
  if (before === 'delivered') {
    return { kind: 'recorded-unread', id, text, why: `ask ${id} was already delivered to its worker; this answer will not reach it` };
  }
  if (before === 'stranded' || state === 'stranded') {
    return { kind: 'recorded-unread', id, text, why: `ask ${id} is stranded (its asker is gone); start a fresh worker to act on the answer` };
  }
  return { kind: 'recorded', id, text };
}
