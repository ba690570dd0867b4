// Watch events are hints, never data: callers re-read their files after every
// wake. A periodic rescan covers events the kernel dropped (inotify overflow is
// silent in Node), and when no watch can be set up we poll and say so once.
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import path from 'node:path';
import type { Env } from '../paths.ts';

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
  readonly onFallback: (message: string) => void;
  /** Rescan period while events work (ms). */
  readonly rescanMs?: number;
}

const DEFAULT_RESCAN_MS = 2000;
const POLL_MS = 100;

function envMs(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min ? n : fallback;
}

/** Watches the given directories (depth 0). Resolves once the watch is ready or has fallen back. */
export async function openDirWatch(dirs: readonly string[], options: WatchOptions): Promise<DirWatch> {
  let dirty = false;
  let waiter: ((r: WakeReason) => void) | null = null;
  let mode: 'events' | 'polling' = 'events';
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  let changedAll = true;
  let changedDirs = new Set<string>();

  const wake = (reason: WakeReason): void => {
    if (reason === 'rescan') changedAll = true;
    if (waiter !== null) {
      const w = waiter;
      waiter = null;
      w(reason);
    } else if (reason === 'event') {
      dirty = true;
    }
  };

  const startPolling = (why: string): void => {
    if (mode === 'polling') return;
    mode = 'polling';
    if (watcher !== null) void watcher.close();
    watcher = null;
    if (timer !== null) clearInterval(timer);
    const pollMs = envMs(options.env, 'LOOOP_POLL_MS', POLL_MS, 10);
    options.onFallback(`cannot watch ${dirs.join(', ')} (${why}) — polling every ${pollMs} ms instead`);
    timer = setInterval(() => wake('rescan'), pollMs);
  };

  const rescanMs = options.rescanMs ?? envMs(options.env, 'LOOOP_RESCAN_MS', DEFAULT_RESCAN_MS, 10);
  if (options.env.LOOOP_WATCH === 'poll') {
    mode = 'polling';
    timer = setInterval(() => wake('rescan'), envMs(options.env, 'LOOOP_POLL_MS', POLL_MS, 10));
  } else {
    timer = setInterval(() => wake('rescan'), rescanMs);
    const roots = new Set(dirs.map((d) => path.resolve(d)));
    const w = chokidarWatch([...roots], {
      ignoreInitial: true,
      depth: 0,
      atomic: false,
      awaitWriteFinish: false,
      // Only the directories themselves: chokidar would otherwise add one inotify watch
      // per file, and a mailbox with thousands of answers would exhaust the user's
      // watch limit across many blocked asks. The directory watch still reports every
      // change inside it as a raw event, which is all a hint needs to be.
      ignored: (p: string) => !roots.has(path.resolve(p)),
    });
    watcher = w;
    w.on('raw', (_event, _name, details: unknown) => {
      const watched = typeof details === 'object' && details !== null ? (details as { watchedPath?: unknown }).watchedPath : undefined;
      if (typeof watched === 'string' && roots.has(path.resolve(watched))) changedDirs.add(path.resolve(watched));
      else changedAll = true;
      wake('event');
    });
    await new Promise<void>((resolve) => {
      w.once('ready', resolve);
      w.on('error', (err: unknown) => {
        startPolling(err instanceof Error ? err.message : String(err));
        resolve();
      });
    });
  }

  return {
    mode: () => mode,
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
        if (maxWaitMs !== undefined) {
          deadline = setTimeout(() => wake('deadline'), Math.max(0, maxWaitMs));
        }
      });
    },
    async close(): Promise<void> {
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (watcher !== null) await watcher.close();
      watcher = null;
    },
  };
}
