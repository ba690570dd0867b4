import type { Ctx } from '../context.ts';
import { LooopError } from '../errors.ts';
import { PULSE_ID, validateId } from '../ids.ts';
import { hostRequest } from '../sessions/requestClient.ts';

export interface SendResult {
  readonly id: string;
  /** output.log size before the keystrokes went in (what the program printed after starts here). */
  readonly offset: number;
}

/** Types `text` into the session's PTY, then Enter unless `newline` is false. */
export async function runSend(ctx: Ctx, id: string, text: string, newline: boolean): Promise<SendResult> {
  validateId('session id', id);
  if (id === PULSE_ID) {
    throw new LooopError('RESERVED_ID', "send: 'pulse' is the control loop, not a worker — it takes no keystrokes", {
      hint: 'steer it through goals and the PLAYBOOK; observe it with `looop screenshot pulse`',
    });
  }
  const data = (await hostRequest(ctx, id, { op: 'send', text, newline }, 'send')) as { offset?: number };
  return { id, offset: typeof data.offset === 'number' ? data.offset : 0 };
}
