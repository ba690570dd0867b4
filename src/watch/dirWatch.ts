// Two cheap shapes of the one watch (watchCore.ts): a long-lived wake-up for a blocked
// verb (`ask`, `wait`, the session host's inbox) that re-reads only what it needs, and
// a bounded one-shot wait for a directory change (a lock holder finishing, a host
// reporting, a reply landing). Neither reports what changed in detail: the caller
// re-reads. For exact per-path changes across several directories see pathWatch.ts.
import type { Env } from '../paths.ts';
import { openWatchCore } from './watchCore.ts';

export type WakeReason = 'event' | 'rescan' | 'deadline';

/** Which watched directories reported events since the last look; `all` after a rescan tick or a poll. */
export interface WatchChanges {
  readonly all: boolean;
  readonly dirs: ReadonlySet<string>;
}

export interface DirWatch {
  /** Resolves on the next change (or one that happened since the last call), a rescan tick, or after `maxWaitMs`. */
  next(maxWaitMs?: number): Promise<WakeReason>;
  /**
   * The directories (resolved paths) that changed since the last call, so a caller can
   * re-read only what moved. Starts as `all`: nothing was looked at under the watch yet.
   */
  takeChanges(): WatchChanges;
  readonly mode: () => 'events' | 'polling';
  close(): Promise<void>;
}

export interface WatchOptions {
  readonly env: Env;
  /** Called once if the watch cannot be set up and we fall back to polling. */
  readonly onFallback?: (message: string) => void;
  /** Rescan period while events work (ms). */
  readonly rescanMs?: number;
}

/** Watches the given directories (depth 0). Resolves once the watch is ready or has fallen back. */
export async function openDirWatch(dirs: readonly string[], options: WatchOptions): Promise<DirWatch> {
  let dirty = false;
  let waiter: ((r: WakeReason) => void) | null = null;
  let changedAll = true;
  let changedDirs = new Set<string>();

  const wake = (reason: WakeReason): void => {
    if (waiter !== null) {
      const w = waiter;
      waiter = null;
      w(reason);
    } else if (reason !== 'deadline') {
      dirty = true;
    }
  };
  const core = await openWatchCore(
    dirs,
    {
      onEvent: (dir) => {
        if (dir === null) changedAll = true;
        else changedDirs.add(dir);
        wake('event');
      },
      onTick: () => {
        changedAll = true;
        wake('rescan');
      },
    },
    options,
  );

  return {
    mode: core.mode,
    takeChanges(): WatchChanges {
      const out = { all: changedAll, dirs: changedDirs };
      changedAll = false;
      changedDirs = new Set();
      return out;
    },
    next(maxWaitMs?: number): Promise<WakeReason> {
      if (dirty) {
        dirty = false;
        return Promise.resolve('event');
      }
      return new Promise<WakeReason>((resolve) => {
        let deadline: NodeJS.Timeout | undefined;
        waiter = (r) => {
          if (deadline !== undefined) clearTimeout(deadline);
          resolve(r);
        };
        if (maxWaitMs !== undefined) deadline = setTimeout(() => wake('deadline'), Math.max(0, maxWaitMs));
      });
    },
    close: () => core.close(),
  };
}

export interface DirChangeOptions {
  /** Only changes to this entry count (a rescan or poll tick always counts). */
  readonly name?: string;
  /** Resolve once this holds, checked once the watch is armed and on each counted change. */
  readonly until?: () => boolean;
  /** Stops the wait early (the caller saw what it waited for another way). */
  readonly signal?: AbortSignal;
  /** LOOOP_WATCH / LOOOP_POLL_MS / LOOOP_RESCAN_MS; process.env when not given. */
  readonly env?: Env;
}

/**
 * Waits for a change in `dir` (and `until` to hold), or at most `maxMs`. The caller
 * re-reads its files either way: this only saves it from sleeping blind. A watch that
 * cannot be set up silently polls: the wait is bounded anyway.
 */
export async function waitForDirChange(dir: string, maxMs: number, options: DirChangeOptions = {}): Promise<void> {
  const { name, until, signal } = options;
  if (signal?.aborted === true) return;
  let done!: () => void;
  const settled = new Promise<void>((resolve) => {
    done = resolve;
  });
  const timer = setTimeout(done, maxMs);
  const onAbort = (): void => done();
  signal?.addEventListener('abort', onAbort, { once: true });
  const check = (): void => {
    if (until === undefined || until()) done();
  };
  let core: Awaited<ReturnType<typeof openWatchCore>> | null = null;
  try {
    const onEvent = (_dir: string | null, changed: string | null): void => {
      if (name === undefined || changed === null || changed === name) check();
    };
    core = await openWatchCore([dir], { onEvent, onTick: check }, { env: options.env ?? process.env, light: true });
    // Checked after the watch is armed, so a change in between is not missed.
    if (until?.() === true) done();
    await settled;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    await core?.close();
  }
}
