// One beat (reference §8.3): sense, then — unless a gate idles it out — decide one move
// and commit it. Every phase is recorded in beat.json before it starts, so a pulse
// killed mid-beat is recognised by the next one and reported, never silently re-run.
import type { Ctx } from '../context.ts';
import { tryLoadConfig, type ConfigRead } from '../config/config.ts';
import type { SpawnFn } from '../decide/runner.ts';
import { updateFlap } from '../guards/flap.ts';
import type { PulseLog } from '../log/pulseLog.ts';
import type { SensorSpawner } from '../sensors/spawner.ts';
import { advanceBeat } from './beatRecord.ts';
import { emitEvent } from '../steering/trail.ts';
import { decideAndCommit, IDLE, type BeatResult } from './beatDecide.ts';
import { checkGates, reportProblem } from './beatGates.ts';
import { senseWorld } from './beatSense.ts';

export type { BeatResult } from './beatDecide.ts';

export interface BeatDeps {
  readonly ctx: Ctx;
  readonly log: PulseLog;
  readonly env: NodeJS.ProcessEnv;
  /** Where user sensors run (the directory the pulse was started from). */
  readonly cwd: string;
  readonly json: boolean;
  readonly sessionTtlS: number;
  readonly sensorSpawner?: SensorSpawner;
  readonly runnerSpawn?: SpawnFn;
  readonly hungUp?: () => boolean;
}

/** `read`: the config as the loop read it this beat (read here when not given). */
export async function runBeat(deps: BeatDeps, force: boolean, read: ConfigRead = tryLoadConfig(deps.ctx.paths)): Promise<BeatResult> {
  const { ctx, log } = deps;
  await advanceBeat(ctx, { type: 'SENSE', at: ctx.now().toISOString() });
  const world = await senseWorld({ ctx, log, cwd: deps.cwd, env: deps.env, sessionTtlS: deps.sessionTtlS, ...(deps.sensorSpawner === undefined ? {} : { spawner: deps.sensorSpawner }) });
  await advanceBeat(ctx, { type: 'SENSED', at: ctx.now().toISOString(), worldHash: world.hash });
  const flap = updateFlap(ctx, world.items);
  reportProblem(log, flap.problem);
  for (const f of flap.newlyFlapping) {
    emitEvent(ctx, 'sensor_flapping', { sensor: f.sensor, streak: f.streak });
    log.warn('sense.flapping', `${f.sensor} changed its wake signal on ${f.streak} beats in a row — each such beat costs a decide; move volatile values under "detail"`, { sensor: f.sensor, streak: f.streak });
  }
  const gate = checkGates(ctx, log, world, force, 'config' in read ? read.config : null);
  if (gate.kind === 'idle') {
    await advanceBeat(ctx, { type: 'SKIP', at: ctx.now().toISOString(), reason: gate.reason });
    return IDLE;
  }
  return decideAndCommit(
    { ctx, log, env: deps.env, json: deps.json, ...(deps.runnerSpawn === undefined ? {} : { spawn: deps.runnerSpawn }), ...(deps.hungUp === undefined ? {} : { hungUp: deps.hungUp }) },
    world,
    read,
  );
}
