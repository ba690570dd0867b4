// How the pulse sleeps between beats: until its interval is up, a deadline falls due,
// or the world's files change. A human editing a goal, a new or answered ask, a worker
// ending: each starts the next beat within a second instead of a fixed interval later.
// Bursts are coalesced into one wake. A change to `.next-wake.json` or `schedules/`
// does not wake by itself: it moves the deadline (a fresh one may shorten the sleep,
// never lengthen it), so the pulse's own nudge never triggers an extra beat.
import path from 'node:path';
import type { Paths } from '../paths.ts';
import type { Env } from '../paths.ts';
import { watchPaths, type WatchTarget } from '../watch/pathWatch.ts';

/** Changes that land within this window after the first one are the same wake. */
export const COALESCE_MS = 30;

export type WakeReason = 'deadline' | 'change' | 'stop';

export interface Sleeper {
  /** Sleeps until `untilMs`, a watched change, or stop; `recheck` may move the deadline earlier. */
  sleep(untilMs: number, recheck: () => number | null): Promise<{ reason: WakeReason; changed: readonly string[] }>;
  /** Ends the current sleep (and every later one) at once. */
  stop(): void;
  close(): Promise<void>;
}

export interface SleeperClock {
  readonly now: () => number;
  readonly setTimer: (fn: () => void, ms: number) => unknown;
  readonly clearTimer: (handle: unknown) => void;
}

const REAL_CLOCK: SleeperClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** What wakes the pulse, and what only moves its deadline. */
export function wakeTargets(paths: Paths): { wake: WatchTarget[]; deadline: WatchTarget[] } {
  const d = paths.dataDir;
  return {
    wake: [
      { dir: d, names: (n: string) => n === 'PLAYBOOK.md' },
      { dir: path.join(d, 'goals'), names: (n: string) => n.endsWith('.md') },
      { dir: paths.asks, names: (n: string) => n.endsWith('.json') },
      { dir: paths.answers },
      { dir: paths.sessions, depth: 1, names: (n: string) => n === 'session.json' },
    ],
    deadline: [
      { dir: d, names: (n: string) => n === '.next-wake.json' },
      { dir: path.join(d, 'schedules'), names: (n: string) => n.endsWith('.json') },
    ],
  };
}

export async function openSleeper(paths: Paths, env: Env, clock: SleeperClock = REAL_CLOCK): Promise<Sleeper> {
  let stopped = false;
  let changed: string[] = [];
  let kick: (() => void) | null = null;
  let moved: (() => void) | null = null;

  const targets = wakeTargets(paths);
  const onWake = (files: readonly string[]) => {
    for (const f of files) changed.push(path.relative(paths.dataDir, f));
    kick?.();
  };
  const onDeadline = () => moved?.();
  const watchers = await Promise.all([watchPaths(targets.wake, onWake, { env }), watchPaths(targets.deadline, onDeadline, { env })]);

  return {
    stop() {
      stopped = true;
      kick?.();
    },
    async close() {
      await Promise.all(watchers.map((w) => w.close()));
    },
    sleep(untilMs, recheck) {
      return new Promise((resolve) => {
        let timer: unknown = null;
        let coalesce: unknown = null;
        let until = untilMs;
        const done = (reason: WakeReason) => {
          if (timer !== null) clock.clearTimer(timer);
          if (coalesce !== null) clock.clearTimer(coalesce);
          kick = null;
          moved = null;
          const seen = changed;
          changed = [];
          resolve({ reason, changed: [...new Set(seen)].sort() });
        };
        const arm = () => {
          if (timer !== null) clock.clearTimer(timer);
          timer = clock.setTimer(() => done('deadline'), Math.max(0, until - clock.now()));
        };
        kick = () => {
          if (stopped) return done('stop');
          coalesce ??= clock.setTimer(() => done('change'), COALESCE_MS);
        };
        moved = () => {
          const next = recheck();
          if (next !== null && next < until) {
            until = Math.max(next, clock.now());
            arm();
          }
        };
        if (stopped) return done('stop');
        // Changes that landed while the last beat ran count now.
        if (changed.length > 0) return kick();
        arm();
      });
    },
  };
}
