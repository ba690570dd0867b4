// The one place looop watches the filesystem. Watch events are hints, never data:
// every caller re-reads its files after a wake. A periodic rescan tick covers events
// the kernel dropped (inotify overflow is silent in Node); when no watch can be set up
// (no inotify, a network filesystem) we poll instead and say so once; LOOOP_WATCH=poll
// polls by choice, without a word. LOOOP_POLL_MS and LOOOP_RESCAN_MS tune the ticks.
// Long-lived watches go through chokidar; a bounded one-shot wait (`light`) arms the
// kernel watch itself. Nothing else in looop calls fs.watch or chokidar.
import type { FSWatcher } from 'chokidar';
import type { FSWatcher as NodeFsWatcher } from 'node:fs';
import path from 'node:path';
import { fs } from '../nodeFs.ts';
import type { Env } from '../paths.ts';

export type WatchMode = 'events' | 'polling';

export interface CoreHooks {
  /**
   * A raw event in `dir` (a resolved watched directory, or null when unknown) about the
   * entry `name` (null when the kernel did not say).
   */
  readonly onEvent: (dir: string | null, name: string | null) => void;
  /** A rescan tick (events mode) or a poll tick (polling mode): re-read everything. */
  readonly onTick: () => void;
}

export interface CoreOptions {
  readonly env: Env;
  /** Called once if the watch cannot be set up and we fall back to polling. */
  readonly onFallback?: (message: string) => void;
  /** Rescan period while events work (ms); LOOOP_RESCAN_MS, else 2000. */
  readonly rescanMs?: number;
  /**
   * A bounded one-shot wait (a lock holder finishing): arm the kernel watch directly.
   * chokidar's start-up scan and async close cost more than such a wait often lasts
   * (contended claims ran at 60 instead of 83 cycles/s through it). Same fallbacks.
   */
  readonly light?: boolean;
}

export interface WatchCore {
  readonly mode: () => WatchMode;
  /**
   * Watches one more directory (depth 0). `again`: re-arm one watched before (it was
   * removed and has come back). A no-op while polling.
   */
  add(dir: string, again?: boolean): void;
  close(): Promise<void>;
}

const DEFAULT_RESCAN_MS = 2000;
const POLL_MS = 100;

function envMs(env: Env, name: string, fallback: number, min: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min ? n : fallback;
}

export function pollMs(env: Env): number {
  return envMs(env, 'LOOOP_POLL_MS', POLL_MS, 10);
}

/**
 * Watches `dirs` (each at depth 0: the directory's own entries). Resolves once the
 * watch is armed or has fallen back to polling, so a change after that is seen.
 */
export async function openWatchCore(dirs: readonly string[], hooks: CoreHooks, options: CoreOptions): Promise<WatchCore> {
  const roots = new Set(dirs.map((d) => path.resolve(d)));
  let mode: WatchMode = 'events';
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  const light: NodeFsWatcher[] = [];

  const tick = (): void => {
    if (!closed) hooks.onTick();
  };
  const startPolling = (why: string | null): void => {
    if (mode === 'polling' && timer !== null) return;
    mode = 'polling';
    if (watcher !== null) void watcher.close();
    watcher = null;
    for (const w of light.splice(0)) w.close();
    if (timer !== null) clearInterval(timer);
    const ms = pollMs(options.env);
    if (why !== null) options.onFallback?.(`cannot watch ${[...roots].join(', ')} (${why}) — polling every ${ms} ms instead`);
    timer = setInterval(tick, ms);
  };

  if (options.env.LOOOP_WATCH === 'poll') {
    startPolling(null);
  } else if (options.light === true) {
    timer = setInterval(tick, options.rescanMs ?? envMs(options.env, 'LOOOP_RESCAN_MS', DEFAULT_RESCAN_MS, 10));
    try {
      for (const dir of roots) {
        const w = fs.watch(dir, { persistent: true }, (_event, name) => {
          if (!closed) hooks.onEvent(dir, typeof name === 'string' && name !== '' ? name : null);
        });
        w.on('error', (err: unknown) => startPolling(err instanceof Error ? err.message : String(err)));
        light.push(w);
      }
    } catch (err) {
      startPolling(err instanceof Error ? err.message : String(err));
    }
  } else {
    timer = setInterval(tick, options.rescanMs ?? envMs(options.env, 'LOOOP_RESCAN_MS', DEFAULT_RESCAN_MS, 10));
    // Initialised only here: a bounded wait (a contended claim) never runs chokidar's module code.
    const { watch: chokidarWatch } = await import('chokidar');
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
    w.on('raw', (_event, name: unknown, details: unknown) => {
      if (closed) return;
      const watched = typeof details === 'object' && details !== null ? (details as { watchedPath?: unknown }).watchedPath : undefined;
      const dir = typeof watched === 'string' && roots.has(path.resolve(watched)) ? path.resolve(watched) : null;
      hooks.onEvent(dir, typeof name === 'string' && name !== '' ? name : null);
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
    add(dir: string, again = false): void {
      const abs = path.resolve(dir);
      if (roots.has(abs) && !again) return;
      roots.add(abs);
      // The light watch serves one fixed wait; only the long-lived kind grows.
      watcher?.add(abs);
    },
    async close(): Promise<void> {
      closed = true;
      if (timer !== null) clearInterval(timer);
      timer = null;
      for (const w of light.splice(0)) w.close();
      if (watcher !== null) await watcher.close();
      watcher = null;
    },
  };
}
