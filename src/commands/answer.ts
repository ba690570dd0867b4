// `looop answer`: the pipeline is the mailbox's (src/mailbox/answer.ts), shared with
// anything else that answers an ask.
import type { Ctx } from '../context.ts';
import { writeAnswer, type AnswerArgs, type AnswerResult } from '../mailbox/answer.ts';

export type { AnswerArgs, AnswerResult };

export function runAnswer(ctx: Ctx, args: AnswerArgs): Promise<AnswerResult> {
  return writeAnswer(ctx, args);
}
