import type { AskContext, AskInput } from '../../machines/askTypes.ts';
import { LooopError } from '../errors.ts';
import { listDir, sweepDeadTemps } from '../store/fsio.ts';
import { describeInvalid, readEntity, type Envelope } from '../store/envelope.ts';
import type { Ctx } from '../context.ts';
import type { Paths } from '../paths.ts';
import { ASK_KIND, askFile } from './askKind.ts';

/** What `asks --json` and `state` show for one ask. */
export interface AskView {
  readonly id: string;
  readonly worker: string;
  readonly prompt: string;
  readonly reference?: string;
  readonly options?: readonly string[];
  readonly ts: number;
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

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1 + the highest `<worker>-<n>` suffix among asks/ and answers/, so an answered id is never reused. */
export function nextAskNumber(paths: Paths, worker: string): number {
  const re = new RegExp(`^${escapeRe(worker)}-(\\d+)\\.[^.]+$`);
  let max = 0;
  for (const dir of [paths.asks, paths.answers]) {
    for (const name of listDir(dir)) {
      const m = re.exec(name);
      if (m?.[1] !== undefined) max = Math.max(max, Number(m[1]));
    }
  }
  return max + 1;
}

/** Creates `asks/<worker>-<n>.json`, re-scanning when a racer takes the number first. */
export async function createAskRecord(ctx: Ctx, input: Omit<AskInput, 'id'>): Promise<Envelope<AskContext>> {
  const { createEntity, ASK_ENTITY } = await import('./askWrites.ts');
  sweepDeadTemps(ctx.paths.asks);
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = `${input.worker}-${nextAskNumber(ctx.paths, input.worker)}`;
    const env = createEntity(askFile(ctx.paths, id), ASK_ENTITY, { ...input, id }, ctx.now());
    if (env !== null) return env;
  }
  throw new LooopError('CONFLICT', `could not allocate an ask id for "${input.worker}" after 20 attempts (contention)`, {
    hint: 'retry the ask',
  });
}

/** Every readable ask record, oldest first; unreadable ones are reported once and skipped. */
export function readAllAsks(ctx: Ctx): Envelope<AskContext>[] {
  const out: Envelope<AskContext>[] = [];
  const names = listDir(ctx.paths.asks);
  sweepDeadTemps(ctx.paths.asks, names);
  for (const name of names) {
    if (name.startsWith('.') || !name.endsWith('.json')) continue;
    const r = readEntity(`${ctx.paths.asks}/${name}`, ASK_KIND);
    if (r.kind === 'ok') out.push(r.envelope);
    else if (r.kind === 'invalid') ctx.warn(`invalid:${r.file}`, describeInvalid(ctx.paths.dataDir, r));
  }
  return out.sort((a, b) => a.context.ts - b.context.ts || (a.context.id < b.context.id ? -1 : 1));
}
