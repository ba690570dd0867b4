// The first half of a beat: housekeeping the session engine leaves to the pulse, the
// sensors, and the world they add up to. Nothing here decides; nothing here fails the
// beat — a broken sensor or an unwritable data dir becomes a reading and a log line.
import type { Ctx } from '../context.ts';
import { isLooopError } from '../errors.ts';
import { reapStaleClaims } from '../claims/reaper.ts';
import { corpseMessage, reportWalCorpses } from '../actions/wal.ts';
import { pruneSessions } from '../sessions/reap.ts';
import { senseAll, senseLimitsFromEnv, outcomeProblem } from '../sensors/sense.ts';
import type { SensorSpawner } from '../sensors/spawner.ts';
import { seedLayout } from '../steering/seed.ts';
import { listDir, sweepDeadTemps } from '../store/fsio.ts';
import { sweepRevTokens } from '../store/revTokens.ts';
import { worldView, type WorldView } from '../world/view.ts';
import { emitEvent } from '../steering/trail.ts';
import { logVerify, reconcileVerify } from '../workers/verify.ts';
import type { PulseLog } from '../log/pulseLog.ts';
import { notifyBeat } from '../notify/notify.ts';

export interface SenseDeps {
  readonly ctx: Ctx;
  readonly log: PulseLog;
  /** Where user sensors run: the directory `looop up` was started from. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly sessionTtlS: number;
  readonly spawner?: SensorSpawner;
}

const secs = (ms: number) => Math.round(ms / 100) / 10;

/**
 * Housekeeping never stops a beat: a file-system error or a refused record (a read-only
 * data dir, a hostile file) becomes one line and the beat goes on. Anything else is a
 * bug and is not swallowed.
 */
async function guarded(deps: SenseDeps, what: string, step: () => unknown): Promise<void> {
  try {
    await step();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined && !isLooopError(e)) throw e;
    deps.log.warn('tick.sense_degraded', `${what}: ${code ?? (e as Error).message} — the beat goes on`);
  }
}

/** Housekeeping, then every sensor, then the world hash over what they published. */
export async function senseWorld(deps: SenseDeps): Promise<WorldView> {
  const { ctx, log } = deps;
  await guarded(deps, 'could not seed the data layout', () => seedLayout(ctx));
  emitEvent(ctx, 'tick_start');
  // Ended workers are judged first: before pruning ends their generation, and before the sensors, so a verdict lands in this beat's sys-sessions.
  await guarded(deps, 'could not judge ended workers', async () => logVerify(log, await reconcileVerify(ctx)));
  await guarded(deps, 'could not prune dead sessions', async () => {
    for (const id of await pruneSessions(ctx, deps.sessionTtlS)) log.info('session.pruned', `pruned dead session ${id}`, { session: id });
  });
  await guarded(deps, 'could not reap stale claims', async () => {
    const r = await reapStaleClaims(ctx);
    for (const c of r.reaped) {
      log.info('claim.reaped', `released claim ${c.name}: its holder ${c.holder} is gone`, { claim: c.name, holder: c.holder });
      emitEvent(ctx, 'claim_reaped', { claim: c.name, session: c.holder });
    }
  });
  await guarded(deps, 'could not sweep temp files', () => {
    // What a killed writer (a pulse, a verb) left in the data dir: its temp files, and write tokens it can no longer use.
    const names = listDir(ctx.paths.dataDir);
    sweepDeadTemps(ctx.paths.dataDir, names);
    sweepRevTokens(ctx.paths.dataDir, names);
  });
  await guarded(deps, 'could not read the intent records', () => {
    for (const c of reportWalCorpses(ctx)) {
      log.warn('tick.interrupted', corpseMessage(c), { action: c.action, fingerprint: c.fingerprint });
      emitEvent(ctx, 'tick_interrupted', { action: c.action, fingerprint: c.fingerprint });
    }
  });

  const started = Date.now();
  const report = await senseAll(ctx, { ...senseLimitsFromEnv(ctx), cwd: deps.cwd, env: deps.env, ...(deps.spawner === undefined ? {} : { spawner: deps.spawner }) });
  const took = secs(Date.now() - started);
  for (const o of report.outcomes) {
    const problem = outcomeProblem(o);
    if (problem !== null) log.error('sense.fail', problem, { sensor: o.name });
    else if (o.kind === 'ok' && log.format === 'json') log.ok('sense.ok', `${o.name} (${o.secs}s)`, { sensor: o.name, secs: o.secs });
  }
  const fields = { ok: report.ok, total: report.total, skipped: report.skipped, failed: report.failed.join(','), secs: took };
  if (report.failed.length === 0) {
    log.info('sense', `${report.ok} sensors ok (${took}s)${report.skipped > 0 ? ` · ${report.skipped} fresh (cadence)` : ''}`, fields);
  } else {
    log.error('sense', `${report.ok}/${report.total} sensors ok · failed: ${report.failed.join(', ')}`, fields);
  }
  await guarded(deps, 'could not send notifications', () => notifyBeat(ctx, log, { cwd: deps.cwd }));
  emitEvent(ctx, 'sense_done');
  return worldView(ctx.paths.dataDir);
}
