import type { Ctx } from '../context.ts';
import { surveyAsks, tidy } from '../mailbox/askSurvey.ts';
import { readArchivedAsks, readLiveAsks, toView, type AskHistoryView, type AskRecord, type AskView } from '../mailbox/askRecords.ts';

/** The asks waiting for a human, oldest first. Read-only: a fresh data dir stays uncreated. */
export async function listPendingAsks(ctx: Ctx): Promise<AskView[]> {
  const survey = await surveyAsks(ctx, { repair: true });
  return survey.pending.map((e) => toView(e.context));
}

/** Every ask, live and archived, oldest first, with where it stands (`asks --all`). Read-only too. */
export async function listAllAsks(ctx: Ctx): Promise<AskHistoryView[]> {
  await surveyAsks(ctx, { repair: true });
  const { sweepCounters } = await import('../mailbox/askIds.ts');
  tidy(ctx, 'asks/ids/', () => sweepCounters(ctx.paths));
  const view = (r: AskRecord, archived: boolean): AskHistoryView => ({ ...toView(r.envelope.context), state: r.envelope.state, archived });
  const all = [...readArchivedAsks(ctx).map((r) => view(r, true)), ...readLiveAsks(ctx).map((r) => view(r, false))];
  return all.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
