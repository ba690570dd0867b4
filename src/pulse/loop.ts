// `looop pulse`: the loop in the foreground (reference §8.2). Take the single-instance
// lock, adopt the beat record (reporting a beat a killed pulse left unfinished), then
// beat: the first one forced, each later one when the interval is up, a nudge or a
// schedule falls due, or a watched file changes. SIGINT/SIGTERM let the current beat
// finish, then release the lock.
import type { Ctx } from '../context.ts';
import { nextScheduleDueMs } from '../schedules/schedules.ts';
import { loadConfig, tryLoadConfig } from '../config/config.ts';
import { notifyPulseDown } from '../notify/notify.ts';
import { runnerLabel } from '../config/runnerLabel.ts';
import { LooopError } from '../errors.ts';
import { loopKnobs } from '../guards/knobs.ts';
import { clampNudge, consumeNextWake, effectiveDueS, readNextWake, recheckUntil, sleepWantS, wakeIsDue, writeNextWake, type WakeRead } from '../guards/nextWake.ts';
import type { PulseLog } from '../log/pulseLog.ts';
import { seedLayout } from '../steering/seed.ts';
import { runBeat, type BeatDeps } from './beat.ts';
import { beatFile } from './beatKind.ts';
import { advanceBeat, openBeat } from './beatRecord.ts';
import { acquirePulseLock, pulseHolder, releasePulseLock } from './pulseLock.ts';
import { openSleeper, type Sleeper } from './wake.ts';
import { killRegisteredGroups } from '../proc/childGroups.ts';

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
  const sleeper = input.sleeper ?? (await openSleeper(ctx.paths, ctx.env));
  let stopping = false;
  let hungUp = false;
  const onSignal = () => {
    stopping = true;
    sleeper.stop();
  };
  // The session engine ends a session with SIGHUP (`looop down`): no beat to finish,
  // and the decider and sensors, each in a group of their own, go with us.
  const onHangup = () => {
    hungUp = true;
    killRegisteredGroups();
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

    let knobs = loopKnobs(ctx, config);
    const capS = knobs.maxNextIntervalS; // read at start only, as upstream
    const label = runnerLabel(config.tickCommand, config.workerCommand);
    log.ok('pulse.start', `pulse started · deciding every ${knobs.intervalS}s, or at once when goals, asks or workers change · runner ${label}`, { interval: knobs.intervalS, runner: label });

    const deps: BeatDeps = {
      ctx,
      log,
      env: input.env,
      cwd: input.cwd,
      json: input.json,
      sessionTtlS: config.sessionTtl,
      ...input.beatDeps,
      hungUp: () => hungUp,
    };
    let force = true;
    while (!stopping) {
      // Read once for the whole beat; a bad file is reported by the beat, and the last
      // good interval is kept.
      const read = tryLoadConfig(ctx.paths);
      if ('config' in read) {
        config = read.config;
        knobs = loopKnobs(ctx, config);
      }
      const wake = readWake(ctx, log);
      const wakeDue = wakeIsDue(wake, nowS(ctx), capS);
      const result = await runBeat(deps, force || wakeDue, read);
      force = false;
      if (wakeDue && result.decidedOrFailed && wake.kind === 'ok') {
        const c = consumeNextWake(ctx, wake.raw);
        if (c.kind === 'degraded') log.warn('pulse.guard_degraded', c.problem);
      }
      if (stopping) break;

      let wantS = knobs.intervalS;
      if (result.nextIntervalS !== null) {
        const secs = clampNudge(result.nextIntervalS, capS);
        log.info('cadence', `the decider asked for the next beat in ${secs}s (default ${knobs.intervalS}s)`, { secs, default: knobs.intervalS });
        const problem = writeNextWake(ctx, nowS(ctx) + secs);
        if (problem !== null) log.warn('pulse.guard_degraded', `${problem} — sleeping ${secs}s anyway`);
        wantS = secs;
      }
      const startDue = effectiveDue(readWake(ctx, log), ctx, capS);
      const startMs = ctx.now().getTime();
      let until = startMs + sleepWantS(wantS, startDue, nowS(ctx)) * 1000;
      const scheduled = nextScheduleDueMs(ctx, startMs);
      if (scheduled !== null && scheduled > startMs) until = Math.min(until, scheduled);
      const recheck = (): number => {
        const nowMs = ctx.now().getTime();
        let next = recheckUntil({ untilMs: until, startDueS: startDue, currentDueS: effectiveDue(readWake(ctx, log), ctx, capS), nowMs });
        const due = nextScheduleDueMs(ctx, nowMs);
        if (due !== null && due > nowMs) next = Math.min(next, due);
        return next;
      };
      const secs = Math.round((until - startMs) / 1000);
      if (input.json) log.info('sleep', `next beat in ${secs}s (${result.acted ? 'acted' : 'idle'})`, { secs, acted: result.acted });
      const woke = await sleeper.sleep(until, recheck);
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
    notifyPulseDown(ctx, log, { cwd: input.cwd, reason: hungUp ? 'looop down' : stopping ? 'stopped by a signal' : 'stopped by an error' });
  }
}

const nowS = (ctx: Ctx): number => Math.floor(ctx.now().getTime() / 1000);

function readWake(ctx: Ctx, log: PulseLog): WakeRead {
  const w = readNextWake(ctx);
  if (w.kind === 'bad') log.warn('pulse.guard_degraded', w.problem);
  return w;
}

function effectiveDue(w: WakeRead, ctx: Ctx, capS: number): number | null {
  return w.kind === 'ok' ? effectiveDueS(w.dueS, nowS(ctx), capS) : null;
}
