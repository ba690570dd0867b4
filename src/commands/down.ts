// `looop down` (reference §2.5): the pulse first, so it cannot start a worker while the
// workers are swept; then every live worker. A stop is reported only when it was seen.
import type { Ctx } from '../context.ts';
import { LooopError } from '../errors.ts';
import { PULSE_ID } from '../ids.ts';
import { isLocal } from '../proc/processIdentity.ts';
import { pulseAlive, pulseHolder, pulseLockFile } from '../pulse/pulseLock.ts';
import { readSession } from '../sessions/fleet.ts';
import { killSession } from '../sessions/killSession.ts';
import { reapSession, sweepWorkers } from '../sessions/reap.ts';
import { untilTrue } from '../watch/pathWatch.ts';

export interface DownResult {
  readonly pulse: 'stopped' | 'not-running';
  readonly workers: readonly string[];
  readonly failed: readonly { readonly id: string; readonly error: string }[];
}

/** How long the lock may outlive a killed pulse before `down` says so. */
const LOCK_WAIT_MS = 5000;

async function stopPulse(ctx: Ctx): Promise<boolean> {
  const session = readSession(ctx, PULSE_ID);
  const inSession = session.kind === 'ok' && session.info.alive;
  const holder = pulseHolder(ctx.paths);
  if (!inSession && holder === null) return false;
  if (inSession) {
    await killSession(ctx, PULSE_ID);
  } else if (holder !== null) {
    if (!isLocal(holder.identity)) {
      throw new LooopError('REFUSED', `the pulse (pid ${holder.pid}) runs in another PID namespace or on another machine`, { hint: 'stop it where it runs' });
    }
    // A pulse run in the foreground (`looop pulse`): ask it to finish its beat and go.
    try {
      process.kill(holder.pid, 'SIGTERM');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }
  await untilTrue([{ dir: ctx.paths.lockDir }], () => !pulseAlive(ctx.paths), LOCK_WAIT_MS, { env: ctx.env });
  if (pulseAlive(ctx.paths)) {
    throw new LooopError('REFUSED', `the pulse survived the stop (still holding ${pulseLockFile(ctx.paths)} after ${LOCK_WAIT_MS / 1000}s)`, {
      hint: 'retry `looop down`, or look at it with `looop state` and `looop worker list -a`',
    });
  }
  return true;
}

export async function runDown(ctx: Ctx): Promise<DownResult> {
  const stopped = await stopPulse(ctx);
  const swept = await sweepWorkers(ctx);
  const after = readSession(ctx, PULSE_ID);
  if (after.kind === 'ok' && !after.info.alive) await reapSession(ctx, PULSE_ID);
  return { pulse: stopped ? 'stopped' : 'not-running', workers: swept.killed.map((k) => k.id).sort(), failed: swept.failed };
}
