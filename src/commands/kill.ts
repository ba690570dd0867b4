import type { Ctx } from '../context.ts';
import { LooopError } from '../errors.ts';
import { PULSE_ID, validateId } from '../ids.ts';
import { killSession, type KillResult } from '../sessions/killSession.ts';

export async function runKill(ctx: Ctx, id: string): Promise<KillResult> {
  validateId('session id', id);
  if (id === PULSE_ID) {
    throw new LooopError('RESERVED_ID', "kill: 'pulse' is the control loop, not a worker", {
      hint: 'observe it with `looop screenshot pulse`, control it with `looop up` / `looop down`',
    });
  }
  return killSession(ctx, id);
}
