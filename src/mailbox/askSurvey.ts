// Which asks are waiting for a human right now. An ask whose blocked `looop ask`
// process is gone can never deliver its answer, so it is stranded, not pending.
// With `repair`, the survey is also the mailbox's janitor: it records what it finds
// (stranding asks whose asker died), archives finished asks, and sweeps debris.
import path from 'node:path';
import type { AskContext } from '../../machines/askTypes.ts';
import type { Ctx } from '../context.ts';
import { fs } from '../nodeFs.ts';
import { hasErrno } from '../errors.ts';
import { idProblem } from '../ids.ts';
import type { Envelope } from '../store/envelope.ts';
import { listDir, sweepDeadTemps } from '../store/fsio.ts';
import { sweepRevTokens } from '../store/revTokens.ts';
import { isAlive } from '../proc/processIdentity.ts';
import { readLiveAsks, type AskRecord } from './askRecords.ts';
import { readAnswer, settleMs } from './answerFiles.ts';
import { askFile } from './askKind.ts';
import { strandAsk } from './askMoves.ts';
import { archiveAnswers, archiveAsks, archivedAskFile, isFinished } from './askArchive.ts';

export interface AskSurvey {
  /** Waiting for a human, with a live asker. */
  readonly pending: Envelope<AskContext>[];
  /** The asker is gone and no person has answered since: an answer would reach nobody. */
  readonly stranded: Envelope<AskContext>[];
}

// The ask machine's moves live in askMoves.ts; re-exported for the survey's callers.
export { ASKER_GONE, strandAsk } from './askMoves.ts';

/**
 * Housekeeping must never stop a listing: a data dir we cannot write to (read-only,
 * full, foreign) is reported once and the survey carries on with what it read.
 */
export function tidy(ctx: Ctx, what: string, step: () => void): void {
  try {
    step();
  } catch (e) {
    if (!hasErrno(e, 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EISDIR', 'ENOTDIR')) throw e;
    ctx.warn(`tidy:${what}`, `could not tidy ${what} (${(e as NodeJS.ErrnoException).code ?? 'error'}) — leaving it as it is`);
  }
}

const ANSWER_NAME = /^([^.].*)\.(json|txt|md)$/;

/** Answers whose record is already archived (a move cut short by a crash) follow it. */
function archiveStrayAnswers(ctx: Ctx): void {
  const names = listDir(ctx.paths.answers);
  sweepDeadTemps(ctx.paths.answers, names);
  const problem = (file: string, p: string): void => ctx.warn(`archive:${file}`, `${path.relative(ctx.paths.dataDir, file)} ${p}`);
  const ids = new Set<string>();
  for (const name of names) {
    const id = ANSWER_NAME.exec(name)?.[1];
    if (id === undefined || ids.has(id) || idProblem(id) !== null) continue;
    if (fs.lstatSync(askFile(ctx.paths, id), { throwIfNoEntry: false }) !== undefined) continue;
    if (fs.lstatSync(archivedAskFile(ctx.paths, id), { throwIfNoEntry: false })?.isFile() === true) ids.add(id);
  }
  if (ids.size > 0) archiveAnswers(ctx.paths, [...ids], problem);
}

function archive(ctx: Ctx, finished: readonly AskRecord[]): void {
  // The file name is the id the record lives under; a name that is not a valid id stays put.
  const asks = finished.filter((r) => idProblem(r.stem) === null).map((r) => ({ id: r.stem, bytes: r.bytes }));
  if (asks.length === 0) return;
  tidy(ctx, 'the ask archive', () => {
    archiveAsks(ctx.paths, asks, (file, p) => ctx.warn(`archive:${file}`, `${path.relative(ctx.paths.dataDir, file)} ${p}`));
  });
}

/** Classifies every live ask (see the module comment for `repair`). */
export async function surveyAsks(ctx: Ctx, options: { repair: boolean }): Promise<AskSurvey> {
  const pending: Envelope<AskContext>[] = [];
  const stranded: Envelope<AskContext>[] = [];
  const finished: AskRecord[] = [];
  const nowMs = ctx.now().getTime();
  const settle = settleMs(ctx.env);
  const names = listDir(ctx.paths.asks);
  if (options.repair) {
    tidy(ctx, 'asks/', () => {
      sweepDeadTemps(ctx.paths.asks, names);
      sweepRevTokens(ctx.paths.asks, names);
    });
    tidy(ctx, 'answers/', () => archiveStrayAnswers(ctx));
    tidy(ctx, 'tells/', () => void sweepDeadTemps(ctx.paths.tells));
  }
  for (const rec of readLiveAsks(ctx, names)) {
    const env = rec.envelope;
    const asker = env.context.asker;
    const askerGone = asker !== null && !isAlive(asker, ctx.paths);
    if (env.state === 'pending' || env.state === 'answered') {
      // An answered ask is in flight to a live asker; with its asker gone it never will be.
      if (askerGone) stranded.push(options.repair ? await strandAsk(ctx, env) : env);
      // A ready answer file means the asker is about to deliver it: no longer waiting on a human.
      else if (env.state === 'pending' && readAnswer(ctx.paths, env.context.id, nowMs, settle).kind !== 'ready') pending.push(env);
      continue;
    }
    if (isFinished(env, nowMs)) finished.push(rec);
    else if (env.state === 'stranded') stranded.push(env);
  }
  if (options.repair) archive(ctx, finished);
  return { pending, stranded };
}
