// `looop pulse`: the loop in the foreground (reference §8.2). Take the single-instance
// lock, adopt the beat record (reporting a beat a killed pulse left unfinished), then
// beat: the first one forced, each later one when the interval is up, a nudge or a
// schedule falls due, or a watched file changes. SIGINT/SIGTERM let the current beat
// finish, then release the lock.
import type { Ctx } from '../context.ts';
import { nextScheduleDueMs } from '../actions/schedules.ts';
import { loadConfig, type LooopConfig } from '../config/config.ts';
import { runnerLabel } from '../config/runnerLabel.ts';
import { LooopError } from '../errors.ts';
import { beatIntervalS, maxNudgeS, sessionTtlS } from '../guards/knobs.ts';
import { clampNudge, consumeNextWake, readNextWake, writeNextWake } from '../guards/nextWake.ts';
import type { PulseLog } from '../log/pulseLog.ts';
import { seedLayout } from '../steering/seed.ts';
import { runBeat, type BeatDeps } from './beat.ts';
import { beatFile } from './beatKind.ts';
import { advanceBeat, openBeat } from './beatRecord.ts';
import { acquirePulseLock, pulseHolder, releasePulseLock } from './pulseLock.ts';
import { openSleeper, type Sleeper } from './wake.ts';
import { killChildGroups, trackedRunnerSpawn, trackedSensorSpawner } from './childGroups.ts';
import { nodeSpawner } from '../sensors/spawner.ts';

export interface PulseInput {
  readonly ctx: Ctx;
  readonly log: PulseLog;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly json: boolean;
  /** For tests: a sleeper with a fake clock. */
  readonly sleeper?: Sleeper;
  readonly beatDeps?: Partial<Pick<BeatDeps, 'sensorSpawner' | 'runnerSpawn'>>;
}


/** The pulse until it is asked to stop; resolves with the exit code. Throws LooopError for a start it refuses. */
export async function runPulse(input: PulseInput): Promise<number> {
  const { ctx, log } = input;
  seedLayout(ctx);
  let config = loadConfig(ctx.paths);
  for (const note of config.notes) log.warn('pulse.guard_degraded', note);

  if (!acquirePulseLock(ctx.paths)) {
    const h = pulseHolder(ctx.paths);
    throw new LooopError('ALREADY_RUNNING', `a pulse is already running${h === null ? '' : ` (pid ${h.pid}${h.since === null ? '' : `, up since ${h.since}`})`}`, {
      hint: 'stop it with `looop down` first, or watch it with `looop log pulse --follow`',
    });
  }
  const sleeper = input.sleeper ?? openSleeper(ctx.paths);
  let stopping = false;
  const onSignal = () => {
    stopping = true;
    sleeper.stop();
  };
  // The session engine ends a session with SIGHUP (`looop down`): no beat to finish,
  // and the decider and sensors, each in a group of their own, go with us.
  const onHangup = () => {
    killChildGroups();
    onSignal();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangup);
  try {
    const opened = await openBeat(ctx, process.pid);
    if (opened.kind === 'invalid') {
      throw new LooopError('BAD_FILE', `${beatFile(ctx.paths)}: ${opened.problem}`, { hint: 'move it aside (it only records what the pulse was doing), then run `looop up` again' });
    }
    const gone = opened.envelope.context.interrupted;
    if (gone !== null) {
      log.warn('pulse.interrupted', `the previous pulse (pid ${gone.pid}) died while ${gone.phase}${gone.runId === null ? '' : ` run ${gone.runId}`} — that beat is not re-run; the world is sensed afresh`, { phase: gone.phase, run_id: gone.runId, pid: gone.pid });
      await advanceBeat(ctx, { type: 'REPORTED', at: ctx.now().toISOString() });
    }

    let interval = beatIntervalS(ctx, config);
    const cap = maxNudgeS(ctx, config);
    const label = runnerLabel(config.tickCommand, config.workerCommand);
    log.ok('pulse.start', `pulse started · deciding every ${interval}s, or at once when goals, asks or workers change · runner ${label}`, { interval, runner: label });

    const deps: BeatDeps = {
      ctx,
      log,
      env: input.env,
      cwd: input.cwd,
      json: input.json,
      sessionTtlS: sessionTtlS(ctx, config),
      sensorSpawner: trackedSensorSpawner(input.beatDeps?.sensorSpawner ?? nodeSpawner),
      runnerSpawn: trackedRunnerSpawn(input.beatDeps?.runnerSpawn),
    };
    let force = true;
    while (!stopping) {
      try {
        config = loadConfig(ctx.paths);
        interval = beatIntervalS(ctx, config);
      } catch (e) {
        if (!(e instanceof LooopError)) throw e;
        // The beat reports the bad config itself; keep the last good interval.
      }
      const wake = readNextWake(ctx);
      const nowMs = ctx.now().getTime();
      const wakeDue = wake.kind === 'ok' && wake.dueMs <= nowMs;
      const result = await runBeat(deps, force || wakeDue);
      force = false;
      if (wakeDue && result.decidedOrFailed && wake.kind === 'ok') consumeNextWake(ctx, wake.raw);

      let wantMs = interval * 1000;
      if (result.nextIntervalS !== null) {
        const secs = clampNudge(result.nextIntervalS, cap);
        log.info('cadence', `the decider asked for the next beat in ${secs}s (default ${interval}s)`, { secs, default: interval });
        try {
          writeNextWake(ctx, ctx.now().getTime() + secs * 1000);
        } catch (e) {
          log.warn('pulse.guard_degraded', `could not record the next wake (.next-wake.json): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} — sleeping ${secs}s anyway`);
        }
        wantMs = secs * 1000;
      }
      const start = ctx.now().getTime();
      const deadline = () => earliestDeadline(ctx, start);
      const pending = deadline();
      const until = Math.min(start + wantMs, pending ?? Infinity);
      if (stopping) break;
      if (input.json) log.info('sleep', `next beat in ${Math.round((until - start) / 1000)}s (${result.acted ? 'acted' : 'idle'})`, { secs: Math.round((until - start) / 1000), acted: result.acted });
      const woke = await sleeper.sleep(until, deadline);
      if (woke.reason === 'change') log.info('wake', `woke on ${woke.changed.slice(0, 5).join(', ')}${woke.changed.length > 5 ? ` and ${woke.changed.length - 5} more` : ''}`, { changed: woke.changed.join(',') });
    }
    log.ok('pulse.stop', 'pulse stopped — the current beat finished, lock released');
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onHangup);
    await sleeper.close();
    releasePulseLock(ctx.paths);
  }
}

/** The earliest future instant a nudge or a schedule falls due; a past one never shortens a sleep. */
function earliestDeadline(ctx: Ctx, sinceMs: number): number | null {
  const nowMs = ctx.now().getTime();
  const candidates: number[] = [];
  const wake = readNextWake(ctx);
  if (wake.kind === 'ok' && wake.dueMs > sinceMs) candidates.push(wake.dueMs);
  const due = nextScheduleDueMs(ctx, nowMs);
  if (due !== null && due > sinceMs) candidates.push(due);
  return candidates.length === 0 ? null : Math.min(...candidates);
}
