import path from 'node:path';
import type { AskContext, AskInput } from '../../machines/askTypes.ts';
import { fs } from '../nodeFs.ts';
import { LooopError } from '../errors.ts';
import { idProblem } from '../ids.ts';
import { listDir, sweepDeadTemps } from '../store/fsio.ts';
import { describeInvalid, readEntity, type Envelope } from '../store/envelope.ts';
import type { Ctx } from '../context.ts';
import { ASK_KIND, askFile } from './askKind.ts';
import { existingAnswerFiles } from './answerFiles.ts';
import { archiveGroups, askArchiveDir } from './askArchive.ts';

/** What `asks --json` and `state` show for one ask. */
export interface AskView {
  readonly id: string;
  readonly worker: string;
  readonly prompt: string;
  readonly reference?: string;
  readonly options?: readonly string[];
  readonly ts: number;
}

/** `asks --all` also says where each ask stands. */
export interface AskHistoryView extends AskView {
  readonly state: string;
  readonly archived: boolean;
}

export function toView(c: AskContext): AskView {
  return {
    id: c.id,
    worker: c.worker,
    prompt: c.prompt,
    ...(c.reference !== null && c.reference !== '' ? { reference: c.reference } : {}),
    ...(c.options.length > 0 ? { options: c.options } : {}),
    ts: c.ts,
  };
}

/** A record as read from asks/: its file stem (the id it lives under) and its exact bytes. */
export interface AskRecord {
  readonly stem: string;
  readonly envelope: Envelope<AskContext>;
  readonly bytes: Buffer;
}

/** Creates `asks/<worker>-<n>.json` with the next number from the worker's counter. */
export async function createAskRecord(ctx: Ctx, input: Omit<AskInput, 'id'>): Promise<Envelope<AskContext>> {
  const { createEntity, ASK_ENTITY } = await import('./askWrites.ts');
  const { allocateAskNumber } = await import('./askIds.ts');
  sweepDeadTemps(ctx.paths.asks);
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = `${input.worker}-${await allocateAskNumber(ctx.paths, input.worker)}`;
    // A stray answer file (hand-written ahead, or left over) already claims this id.
    if (existingAnswerFiles(ctx.paths, id).length > 0) continue;
    const env = createEntity(askFile(ctx.paths, id), ASK_ENTITY, { ...input, id }, ctx.now());
    if (env !== null) return env;
  }
  throw new LooopError('CONFLICT', `could not allocate an ask id for "${input.worker}" after 20 attempts (files already use the next ids)`, {
    hint: `look for stray asks/${input.worker}-<n>.json or answers/${input.worker}-<n>.* files, then retry the ask`,
  });
}

function byAge(a: AskRecord, b: AskRecord): number {
  return a.envelope.context.ts - b.envelope.context.ts || (a.envelope.context.id < b.envelope.context.id ? -1 : 1);
}

function readRecords(ctx: Ctx, dir: string, names: readonly string[]): AskRecord[] {
  const out: AskRecord[] = [];
  for (const name of names) {
    if (name.startsWith('.') || !name.endsWith('.json')) continue;
    const r = readEntity(path.join(dir, name), ASK_KIND);
    if (r.kind === 'ok') out.push({ stem: name.slice(0, -'.json'.length), envelope: r.envelope as Envelope<AskContext>, bytes: r.bytes });
    else if (r.kind === 'invalid') ctx.warn(`invalid:${r.file}`, describeInvalid(ctx.paths.dataDir, r));
  }
  return out;
}

/** Every readable record in asks/ (live asks only: the archive is not read), oldest first. */
export function readLiveAsks(ctx: Ctx, names: readonly string[] = listDir(ctx.paths.asks)): AskRecord[] {
  return readRecords(ctx, ctx.paths.asks, names).sort(byAge);
}

/** Every readable archived record, oldest first: the whole history, for `asks --all`. */
export function readArchivedAsks(ctx: Ctx): AskRecord[] {
  const out: AskRecord[] = [];
  for (const group of archiveGroups(ctx.paths)) {
    const dir = askArchiveDir(ctx.paths, group);
    // A group that is a symlink would lead the listing out of the data dir.
    if (idProblem(group) !== null || fs.lstatSync(dir, { throwIfNoEntry: false })?.isDirectory() !== true) continue;
    out.push(...readRecords(ctx, dir, listDir(dir)));
  }
  return out.sort(byAge);
}
