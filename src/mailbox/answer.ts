// Answering an ask (the `answer` verb, and whatever else answers: the pulse, an MCP
// server): exclusive create of answers/<id>.json (one winner among racing first
// answers), then the ask's ANSWER transition. Returns what happened; never prints.
import path from 'node:path';
import { fs } from '../nodeFs.ts';
import { LooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import { ensureLayout, unixSeconds, type Ctx } from '../context.ts';
import { createExclusiveFile, removeIfExists, sweepDeadTemps, writeAtomic, type FileId } from '../store/fsio.ts';
import { readDataFile } from '../store/dataFile.ts';
import { readEntity, describeInvalid } from '../store/envelope.ts';
import { ASK_KIND, askFile } from './askKind.ts';
import { answerPath, existingAnswerFiles } from './answerFiles.ts';
import { recordAnswer, strandAsk } from './askMoves.ts';
import { answerArchiveDir, archivedAskFile } from './askArchive.ts';
import type { AskContext } from '../../machines/askTypes.ts';
import type { Envelope } from '../store/envelope.ts';
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

export async function writeAnswer(ctx: Ctx, args: AnswerArgs): Promise<AnswerResult> {
  const { id, text } = args;
  validateId('ask id', id);
  if (text.trim() === '') throw new LooopError('USAGE', 'answer: empty text', { hint: `looop answer ${id} "<text>"  (or pipe it: … | looop answer ${id} -)` });
  ensureLayout(ctx.paths);
  const file = askFile(ctx.paths, id);
  const rec = readEntity(file, ASK_KIND);
  if (rec.kind === 'absent') throw notLive(ctx, id);
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
  sweepDeadTemps(ctx.paths.answers);
  const target = answerPath(ctx.paths, id, 'json');
  /** The file our exclusive create made (not --force): what the worker got is ours only if it is this file. */
  let created: FileId | null = null;
  const body = `${JSON.stringify({ v: 1, answer: text, ts: unixSeconds(ctx.now()) }, null, 2)}\n`;
  if (args.force) {
    // --force replaces an answer file, never whatever else took its name (a directory, a FIFO).
    const st = fs.lstatSync(target, { throwIfNoEntry: false });
    if (st !== undefined && !st.isFile()) {
      throw new LooopError('BAD_FILE', `answer: answers/${id}.json is ${st.isDirectory() ? 'a directory' : st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}, not an answer file — looop leaves it untouched`, {
        hint: `move it aside, then retry: looop answer ${id} --force "<text>"`,
      });
    }
    writeAtomic(target, body);
  } else {
    const existing = existingAnswerFiles(ctx.paths, id);
    created = existing.length > 0 ? null : createExclusiveFile(target, body);
    if (created === null) {
      const which = existingAnswerFiles(ctx.paths, id).map((f) => path.relative(ctx.paths.dataDir, f)).join(', ') || `answers/${id}.json`;
      throw new LooopError('ALREADY_ANSWERED', `answer: "${id}" is already answered (${which})`, {
        hint: `pass --force to overwrite: looop answer ${id} --force "<text>"`,
      });
    }
  }

  // The ask could have been removed while we wrote: take our answer back rather than leave an orphan.
  // A quick asker may instead have delivered it and archived both already: that is success.
  // But a delivered ask's answer is archived out of answers/, which frees its name: a late
  // racer's exclusive create can then succeed, though another answer reached the worker.
  const rel = path.relative(ctx.paths.dataDir, target);
  const archived = (): Seen | null => {
    const a = readEntity(archivedAskFile(ctx.paths, id), ASK_KIND);
    return a.kind === 'ok' ? seen(a.envelope) : null;
  };
  let state: string | null;
  let deliveredFile: string | null = null;
  if (readDataFile(file).kind === 'absent') {
    const a = archived();
    state = a?.state ?? null;
    if (a === null) {
      const mine = readDataFile(target);
      if (mine.kind === 'ok' && mine.bytes.toString('utf8') === body) removeIfExists(target);
      throw new LooopError('ASK_VANISHED', `answer: ask "${id}" vanished while answering (consumed or removed) — the answer was not recorded`);
    }
    // Its answer was archived with it: ours only if those archived bytes are ours.
    if (a.state === 'delivered') deliveredFile = deliveredAnswerIs(ctx, id, a.answerFile, created) ? rel : archivedName(ctx, id, a.answerFile);
  } else {
    const r = await recordAnswer(ctx, id, rel);
    if (r.kind === 'invalid') throw new LooopError('CORRUPT_FILE', `answer: recorded in ${rel}, but ${describeInvalid(ctx.paths.dataDir, r)}`);
    const a = r.kind === 'absent' ? archived() : seen(r.envelope);
    state = a?.state ?? null;
    if (a?.state === 'delivered') deliveredFile = a.answerFile;
  }
  const otherDelivered = before === 'delivered' || (deliveredFile !== null && deliveredFile !== rel);
  if (otherDelivered && !args.force) {
    // Another answer reached the worker first (the name was free only because it was archived): ours was never read.
    const mine = readDataFile(target);
    if (mine.kind === 'ok' && mine.bytes.toString('utf8') === body) removeIfExists(target);
    throw new LooopError('ALREADY_ANSWERED', `answer: "${id}" is already answered${deliveredFile === null ? '' : ` (${deliveredFile})`}, and that answer was delivered to its worker; yours was not recorded`, {
      hint: 'see every ask, archived ones too, with `looop asks --all`',
    });
  }
  if (before !== 'delivered' && deliveredFile !== null && deliveredFile !== rel) {
    return { kind: 'recorded-unread', id, text, why: `another answer (${deliveredFile}) was delivered to its worker first; this one will not reach it` };
  }

  if (before === 'delivered') {
    return { kind: 'recorded-unread', id, text, why: `ask ${id} was already delivered to its worker; this answer will not reach it` };
  }
  if (before === 'stranded' || state === 'stranded') {
    return { kind: 'recorded-unread', id, text, why: `ask ${id} is stranded (its asker is gone); start a fresh worker to act on the answer` };
  }
  return { kind: 'recorded', id, text };
}

/** Where an ask stands, and which file answered it. */
interface Seen {
  readonly state: string;
  readonly answerFile: string | null;
}

function seen(env: Envelope<AskContext>): Seen {
  return { state: env.state, answerFile: env.context.answer?.file ?? null };
}

/** Where an archived answer now lives, for messages. */
function archivedName(ctx: Ctx, id: string, file: string | null): string {
  return file === null ? 'another answer' : path.relative(ctx.paths.dataDir, path.join(answerArchiveDir(ctx.paths, id), path.basename(file)));
}

/**
 * Whether the answer the worker got (answers/<id>.json) is the very file we created.
 * Its record is archived first, then the answer by link and unlink, so a late racer can
 * create answers/<id>.json again only once the delivered one is linked into the archive:
 * an archived answer that is another file means another answer was delivered. With
 * --force (no identity) an archived answer counts as ours, as before.
 */
function deliveredAnswerIs(ctx: Ctx, id: string, file: string | null, created: FileId | null): boolean {
  if (file !== `answers/${id}.json`) return false;
  if (created === null) return true;
  const st = fs.statSync(path.join(answerArchiveDir(ctx.paths, id), `${id}.json`), { throwIfNoEntry: false });
  return st === undefined || (st.dev === created.dev && st.ino === created.ino);
}

/** Why there is no live ask `id`: never asked, or finished and archived (an answer now reaches nobody). */
function notLive(ctx: Ctx, id: string): LooopError {
  const archived = archivedAskFile(ctx.paths, id);
  const rec = readEntity(archived, ASK_KIND);
  if (rec.kind !== 'ok') {
    return new LooopError('NOT_FOUND', `answer: no pending ask "${id}" (asks/${id}.json does not exist)`, { hint: 'list the pending asks with `looop asks`' });
  }
  const where = path.relative(ctx.paths.dataDir, archived);
  const c = rec.envelope.context;
  const what =
    rec.envelope.state === 'delivered'
      ? `is already answered, and was delivered to its worker${c.deliveredAt === null ? '' : ` at ${c.deliveredAt}`}`
      : `was stranded (${c.stranded?.reason ?? 'its asker is gone'}) and is archived`;
  return new LooopError(rec.envelope.state === 'delivered' ? 'ALREADY_ANSWERED' : 'REFUSED', `answer: "${id}" ${what} (${where}); an answer now would reach nobody`, {
    hint: 'see every ask, archived ones too, with `looop asks --all`',
  });
}
