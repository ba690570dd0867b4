// Which asks are waiting for a human right now. An ask whose blocked `looop ask`
// process is gone can never deliver its answer, so it is stranded, not pending.
import type { AskContext } from '../../machines/askTypes.ts';
import type { Ctx } from '../context.ts';
import type { Envelope } from '../store/envelope.ts';
import { isAlive } from '../proc/processIdentity.ts';
import { readAllAsks } from './askRecords.ts';
import { readAnswer, settleMs } from './answerFiles.ts';
import { askFile } from './askKind.ts';

export interface AskSurvey {
  /** Waiting for a human, with a live asker. */
  readonly pending: Envelope<AskContext>[];
  /** The asker is gone; an answer would reach nobody. */
  readonly stranded: Envelope<AskContext>[];
}

export const ASKER_GONE = 'the asking process is gone';

/**
 * Classifies every ask. With `repair`, a pending ask whose asker died is moved to
 * `stranded` through its machine (a rare write; reads stay XState-free otherwise).
 */
export async function surveyAsks(ctx: Ctx, options: { repair: boolean }): Promise<AskSurvey> {
  const pending: Envelope<AskContext>[] = [];
  const stranded: Envelope<AskContext>[] = [];
  const nowMs = ctx.now().getTime();
  const settle = settleMs(ctx.env);
  for (const env of readAllAsks(ctx)) {
    if (env.state === 'stranded') {
      stranded.push(env);
      continue;
    }
    if (env.state !== 'pending') continue;
    const asker = env.context.asker;
    if (asker !== null && !isAlive(asker, ctx.paths)) {
      stranded.push(options.repair ? await strandAsk(ctx, env) : env);
      continue;
    }
    // A ready answer file means the asker is about to deliver it: no longer waiting on a human.
    if (readAnswer(ctx.paths, env.context.id, nowMs, settle).kind === 'ready') continue;
    pending.push(env);
  }
  return { pending, stranded };
}

/** Moves a still-pending ask to `stranded` through its machine; returns the freshest record. */
export async function strandAsk(ctx: Ctx, env: Envelope<AskContext>, reason = ASKER_GONE): Promise<Envelope<AskContext>> {
  const { updateEntity, ASK_ENTITY } = await import('./askWrites.ts');
  const at = ctx.now().toISOString();
  const r = await updateEntity(
    askFile(ctx.paths, env.context.id),
    ASK_ENTITY,
    (cur) => (cur.state === 'pending' ? [{ type: 'STRAND' as const, at, reason }] : []),
    ctx.now,
  );
  return r.kind === 'updated' || r.kind === 'unchanged' ? r.envelope : env;
}
