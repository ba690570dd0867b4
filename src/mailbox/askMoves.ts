// Every move of an ask's machine, in one place: the CLI verbs, the survey and the pulse
// drive an ask only through these. Each loads the machine and the store on demand
// (askWrites.ts, one bundle), so a read-only verb never parses XState.
import type { AskContext } from '../../machines/askTypes.ts';
import type { Ctx } from '../context.ts';
import type { Envelope } from '../store/envelope.ts';
import type { UpdateResult } from '../store/entityStore.ts';
import { askFile } from './askKind.ts';

export const ASKER_GONE = 'the asking process is gone';

/** pending|stranded → answered (by the answer file `rel`); a delivered ask stays as it is. */
export async function recordAnswer(ctx: Ctx, id: string, rel: string): Promise<UpdateResult<AskContext>> {
  const { updateEntity, ASK_ENTITY } = await import('./askWrites.ts');
  const at = ctx.now().toISOString();
  return updateEntity(askFile(ctx.paths, id), ASK_ENTITY, (cur) => (cur.state === 'delivered' ? [] : [{ type: 'ANSWER' as const, file: rel, at }]), ctx.now);
}

/** The asker printed the answer: → delivered (recording the answer first when no one did). */
export async function recordDelivery(ctx: Ctx, id: string, answerFile: string): Promise<UpdateResult<AskContext>> {
  const { updateEntity, ASK_ENTITY } = await import('./askWrites.ts');
  const at = ctx.now().toISOString();
  const answered = { type: 'ANSWER' as const, file: answerFile, at };
  const delivered = { type: 'DELIVER' as const, at };
  return updateEntity(
    askFile(ctx.paths, id),
    ASK_ENTITY,
    (cur) => (cur.state === 'pending' ? [answered, delivered] : cur.state === 'answered' ? [delivered] : cur.state === 'stranded' ? [answered] : []),
    ctx.now,
  );
}

/** Moves a pending or answered ask to `stranded`; returns the freshest record. */
export async function strandAsk(ctx: Ctx, env: Envelope<AskContext>, reason = ASKER_GONE): Promise<Envelope<AskContext>> {
  const { updateEntity, ASK_ENTITY } = await import('./askWrites.ts');
  const at = ctx.now().toISOString();
  const r = await updateEntity(
    askFile(ctx.paths, env.context.id),
    ASK_ENTITY,
    (cur) => (cur.state === 'pending' || cur.state === 'answered' ? [{ type: 'STRAND' as const, at, reason }] : []),
    ctx.now,
  );
  return r.kind === 'updated' || r.kind === 'unchanged' ? r.envelope : env;
}
