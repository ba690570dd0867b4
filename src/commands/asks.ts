import type { Ctx } from '../context.ts';
import { surveyAsks } from '../mailbox/askSurvey.ts';
import { toView, type AskView } from '../mailbox/askRecords.ts';

/** The asks waiting for a human, oldest first. Read-only: a fresh data dir stays uncreated. */
export async function listPendingAsks(ctx: Ctx): Promise<AskView[]> {
  const survey = await surveyAsks(ctx, { repair: true });
  return survey.pending.map((e) => toView(e.context));
}
