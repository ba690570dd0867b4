// `looop up` (reference §2.4): start the pulse in a session named `pulse` and return
// once it holds its lock. The non-recursive mkdir of sessions/pulse is the startup
// mutex: of twenty racing `up`s one creates the session, the others find it and wait
// for the pulse it runs, then name it.
import type { Ctx } from '../context.ts';
import { readConfigObject } from '../config/config.ts';
import { LooopError, isLooopError } from '../errors.ts';
import { PULSE_ID } from '../ids.ts';
import { pulseHolder } from '../pulse/pulseLock.ts';
import { readSession } from '../sessions/fleet.ts';
import { startSession } from '../sessions/launch.ts';
import { reapSession } from '../sessions/reap.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';
import { shellQuote } from '../sessions/workerCommand.ts';
import { untilTrue } from '../watch/pathWatch.ts';
import { describeEnd, sessionEnd } from '../workers/earlyEnd.ts';

export type UpResult =
  | { readonly kind: 'started'; readonly pid: number; readonly json: boolean }
  | { readonly kind: 'running'; readonly pid: number; readonly since: string | null };

/** How long a started pulse may take to hold its lock (node start-up on a loaded machine). */
const START_WAIT_MS = 15_000;

export function requireConfig(ctx: Ctx): void {
  if (readConfigObject(ctx.paths) === null) {
    throw new LooopError('NOT_INITIALIZED', `not initialized — there is no ${ctx.paths.configPath}`, {
      hint: 'run `looop init` to pick your runner (claude/codex/opencode/pi/custom) and write it, or try the loop with `npm run demo`',
    });
  }
}

function pulseCommand(ctx: Ctx, json: boolean): string {
  return `LOOOP_LOG_FORMAT=${json ? 'json' : 'human'} ${shellQuote(ctx.bin)} pulse`;
}

/** Waits until a pulse holds the lock, or the pulse session has ended (then says what it printed). */
async function awaitPulse(ctx: Ctx): Promise<{ pid: number; since: string | null }> {
  const files = sessionFiles(ctx.paths, PULSE_ID);
  const check = (): boolean => {
    if (pulseHolder(ctx.paths) !== null) return true;
    const s = readSession(ctx, PULSE_ID);
    return s.kind === 'ok' && !s.info.alive;
  };
  await untilTrue([{ dir: ctx.paths.lockDir }, { dir: files.dir, names: (n) => n === 'session.json' }], check, START_WAIT_MS, { env: ctx.env });
  const h = pulseHolder(ctx.paths);
  if (h !== null) return h;
  const end = await sessionEnd(ctx, PULSE_ID);
  if (end !== null) {
    const tail = end.screen.map((l) => `    ${l}`).join('\n');
    throw new LooopError('PULSE_EXITED', `the pulse ended at once (${describeEnd(end)})${tail === '' ? ', printing nothing' : `; the last lines of its screen:\n${tail}`}`, { hint: 'see everything it printed with `looop log pulse`' });
  }
  throw new LooopError('PULSE_NOT_SEEN', `the pulse was started but did not take its lock within ${START_WAIT_MS / 1000}s`, { hint: 'look at it with `looop log pulse`, or retry `looop up`' });
}

export async function runUp(ctx: Ctx, opts: { json: boolean }): Promise<UpResult> {
  requireConfig(ctx);
  for (let attempt = 0; attempt < 3; attempt++) {
    const running = pulseHolder(ctx.paths);
    if (running !== null) return { kind: 'running', pid: running.pid, since: running.since };
    const s = readSession(ctx, PULSE_ID);
    if (s.kind === 'ok' && !s.info.alive) await reapSession(ctx, PULSE_ID);
    try {
      await startSession(ctx, { id: PULSE_ID, command: pulseCommand(ctx, opts.json), cwd: process.cwd() });
    } catch (e) {
      if (!isLooopError(e) || e.code !== 'ALREADY_RUNNING') throw e;
      // Another `up` created the session first: wait for its pulse and name it.
      const again = readSession(ctx, PULSE_ID);
      if (again.kind === 'ok' && !again.info.alive) continue;
      const h = await awaitPulse(ctx);
      return { kind: 'running', pid: h.pid, since: h.since };
    }
    const h = await awaitPulse(ctx);
    return { kind: 'started', pid: h.pid, json: opts.json };
  }
  throw new LooopError('PULSE_NOT_SEEN', 'could not start the pulse: its session kept ending while other `up`s raced for it', { hint: 'look at it with `looop log pulse`, then retry `looop up`' });
}
