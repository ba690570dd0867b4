import { LooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import type { Ctx } from '../context.ts';
import { drainTells, formatTellLines, queueTell, type Tell } from '../mailbox/tells.ts';
import { sessionAlive } from '../sessions/fleet.ts';

export function runTell(ctx: Ctx, worker: string, msg: string): Tell {
  validateId('worker id', worker);
  if (msg === '') throw new LooopError('USAGE', 'tell: empty message', { hint: `looop tell ${worker} "<message>"` });
  let alive: boolean;
  try {
    alive = sessionAlive(ctx, worker);
  } catch (e) {
    throw new LooopError('REFUSED', `tell ${worker}: cannot enumerate the fleet (${(e as Error).message}) — cannot confirm the worker is alive; retry`);
  }
  if (!alive) {
    throw new LooopError('NOT_RUNNING', `tell ${worker}: not a live worker (a dead worker can never read it)`, {
      hint: 'steer via goals or a fresh worker: looop worker list -a',
    });
  }
  return queueTell(ctx, worker, msg);
}

export function runTold(ctx: Ctx, worker: string): string[] {
  return formatTellLines(drainTells(ctx, worker));
}
