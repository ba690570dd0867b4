// Exact changes across several directories, for a sleeper that must wake when any of
// them moves (the pulse between beats). A watch event only says "look at this
// directory": each target is then re-listed and its entries' stat signatures compared
// with the last look, so a report names paths that really were added, removed or
// rewritten, bursts collapse into one report, and the final state of a burst is never
// lost (the last write's event re-lists after it). The rescan/poll tick re-lists
// everything, which covers dropped events and filesystems without watches. A target
// directory that does not exist yet is watched through its nearest existing ancestor
// and picked up when it appears.
import path from 'node:path';
import type { Dirent } from 'node:fs';
import { fs } from '../nodeFs.ts';
import { openWatchCore, type CoreOptions, type WatchCore, type WatchMode } from './watchCore.ts';

export interface WatchTarget {
  /** The directory to watch; it may not exist yet. */
  readonly dir: string;
  /** Which entry names count (at depth 1: names inside each subdirectory); all when absent. */
  readonly names?: (name: string) => boolean;
  /** 0 (default): the entries of `dir`; 1: the entries of each subdirectory of `dir` (sessions/<id>/session.json). */
  readonly depth?: 0 | 1;
}

export interface PathWatchOptions extends CoreOptions {
  /** Changes within this many ms of the first are reported together (default 10). */
  readonly coalesceMs?: number;
}

export interface PathWatch {
  readonly mode: () => WatchMode;
  close(): Promise<void>;
}

interface Target {
  readonly dir: string;
  readonly names: (name: string) => boolean;
  readonly depth: 0 | 1;
  /** path → stat signature at the last look. */
  table: Map<string, string>;
  /** The directory whose watch stands in for `dir` while it is missing. */
  anchor: string | null;
}

const FOLLOW_UP_MS = [50, 500];

function signature(file: string): string | null {
  try {
    const st = fs.lstatSync(file, { bigint: true, throwIfNoEntry: false });
    return st === undefined ? null : `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.mode}`;
  } catch {
    return null;
  }
}

function entries(dir: string): Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDir(dir: string): boolean {
  try {
    return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}

function nearestExisting(dir: string): string {
  let d = path.dirname(dir);
  while (!isDir(d) && path.dirname(d) !== d) d = path.dirname(d);
  return d;
}

/**
 * Watches `targets` and calls `onChange` with the paths (absolute, sorted) that were
 * added, removed or rewritten since the last report. Resolves once armed: a change
 * after that is reported; the state before it is the caller's to read.
 */
export async function watchPaths(targets: readonly WatchTarget[], onChange: (paths: readonly string[]) => void, options: PathWatchOptions): Promise<PathWatch> {
  const ts: Target[] = targets.map((t) => ({ dir: path.resolve(t.dir), names: t.names ?? (() => true), depth: t.depth ?? 0, table: new Map(), anchor: null }));
  /** Directories we asked the core to watch and saw present at the last look. */
  const armed = new Set<string>();
  const dirty = new Set<Target>();
  const timers = new Set<NodeJS.Timeout>();
  let flushTimer: NodeJS.Timeout | null = null;
  let closed = false;
  let core: WatchCore | null = null;

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!closed) fn();
    }, ms);
    timers.add(t);
  };
  /** Directories ever armed: one that comes back must be re-armed, not skipped as known. */
  const seenBefore = new Set<string>();
  const arm = (dir: string): void => {
    if (armed.has(dir)) return;
    armed.add(dir);
    core?.add(dir, seenBefore.has(dir));
    seenBefore.add(dir);
  };

  /** Re-lists one target (arming what appeared) and returns the paths that moved. */
  const diff = (t: Target): string[] => {
    const next = new Map<string, string>();
    if (!isDir(t.dir)) {
      armed.delete(t.dir);
      t.anchor = nearestExisting(t.dir);
      arm(t.anchor);
    } else {
      t.anchor = null;
      if (!armed.has(t.dir)) {
        arm(t.dir);
        // The new watch arms asynchronously: look again shortly for what landed meanwhile.
        if (core !== null) for (const ms of FOLLOW_UP_MS) later(ms, () => mark(t));
      }
      const add = (dir: string, name: string): void => {
        if (!t.names(name)) return;
        const file = path.join(dir, name);
        const sig = signature(file);
        if (sig !== null) next.set(file, sig);
      };
      const subs = new Set<string>();
      for (const e of entries(t.dir)) {
        if (t.depth === 0) add(t.dir, e.name);
        else if (e.isDirectory()) {
          const sub = path.join(t.dir, e.name);
          subs.add(sub);
          if (!armed.has(sub)) {
            arm(sub);
            if (core !== null) for (const ms of FOLLOW_UP_MS) later(ms, () => mark(t));
          }
          for (const f of entries(sub)) add(sub, f.name);
        }
      }
      if (t.depth === 1) for (const d of armed) if (path.dirname(d) === t.dir && !subs.has(d)) armed.delete(d);
    }
    const moved: string[] = [];
    for (const [file, sig] of next) if (t.table.get(file) !== sig) moved.push(file);
    for (const file of t.table.keys()) if (!next.has(file)) moved.push(file);
    t.table = next;
    return moved;
  };

  const flush = (): void => {
    flushTimer = null;
    if (closed) return;
    const moved = new Set<string>();
    for (const t of [...dirty]) {
      dirty.delete(t);
      for (const f of diff(t)) moved.add(f);
    }
    if (moved.size > 0) onChange([...moved].sort());
  };
  const mark = (t: Target): void => {
    dirty.add(t);
    if (flushTimer === null) flushTimer = setTimeout(flush, options.coalesceMs ?? 10);
  };
  const relevant = (t: Target, dir: string, name: string | null): boolean => {
    if (t.anchor !== null) return dir === t.anchor || t.dir.startsWith(dir + path.sep);
    if (dir === t.dir) return t.depth === 1 || name === null || t.names(name);
    return t.depth === 1 && path.dirname(dir) === t.dir && (name === null || t.names(name));
  };

  // The baseline comes first, so every directory it finds is armed with the watch itself;
  // anything written between this look and the watch being ready is the caller's to read.
  for (const t of ts) diff(t);
  core = await openWatchCore(
    [...armed],
    {
      onEvent: (dir, name) => {
        for (const t of ts) if (dir === null || relevant(t, dir, name)) mark(t);
      },
      onTick: () => {
        for (const t of ts) mark(t);
      },
    },
    options,
  );
  // Look again now that the watch is armed: a change between the baseline and `ready` is reported.
  for (const t of ts) mark(t);

  return {
    mode: () => core?.mode() ?? 'polling',
    async close(): Promise<void> {
      closed = true;
      if (flushTimer !== null) clearTimeout(flushTimer);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await core?.close();
    },
  };
}

export interface ChangeFeed extends PathWatch {
  /**
   * The paths that changed since the last call; when none did, waits for the next
   * change, at most `withinMs` (then []), or until `signal` aborts (then []).
   */
  next(options?: { readonly withinMs?: number; readonly signal?: AbortSignal }): Promise<string[]>;
}

/** A `watchPaths` that keeps what changed until asked: nothing is lost between two `next` calls. */
export async function openChangeFeed(targets: readonly WatchTarget[], options: PathWatchOptions): Promise<ChangeFeed> {
  const pending = new Set<string>();
  let waiter: (() => void) | null = null;
  const watch = await watchPaths(
    targets,
    (paths) => {
      for (const p of paths) pending.add(p);
      const w = waiter;
      waiter = null;
      w?.();
    },
    options,
  );
  const take = (): string[] => {
    const out = [...pending].sort();
    pending.clear();
    return out;
  };
  return {
    mode: watch.mode,
    close: () => watch.close(),
    async next(opts = {}): Promise<string[]> {
      if (pending.size > 0 || opts.signal?.aborted === true) return take();
      await new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout | undefined;
        const done = (): void => {
          if (timer !== undefined) clearTimeout(timer);
          opts.signal?.removeEventListener('abort', done);
          waiter = null;
          resolve();
        };
        waiter = done;
        if (opts.withinMs !== undefined) timer = setTimeout(done, Math.max(0, opts.withinMs));
        opts.signal?.addEventListener('abort', done, { once: true });
      });
      return take();
    },
  };
}

/**
 * One wait: resolves with the changed paths, or [] after `withinMs` or an abort. The
 * watch is armed only inside the call, so read the state you compare against after
 * calling `openChangeFeed` instead when no change may slip between the read and the wait.
 */
export async function waitForChange(targets: readonly WatchTarget[], options: PathWatchOptions & { readonly withinMs?: number; readonly signal?: AbortSignal }): Promise<string[]> {
  const feed = await openChangeFeed(targets, options);
  try {
    return await feed.next({ withinMs: options.withinMs, signal: options.signal });
  } finally {
    await feed.close();
  }
}

/**
 * Resolves true once `check()` holds, re-checking after every change under `targets`;
 * false when `withinMs` passes first. The watch is armed before the first check, so a
 * change that lands between a check and the wait is never missed.
 */
export async function untilTrue(targets: readonly WatchTarget[], check: () => boolean, withinMs: number, options: PathWatchOptions): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  const feed = await openChangeFeed(targets, options);
  try {
    for (;;) {
      if (check()) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await feed.next({ withinMs: left });
    }
  } finally {
    await feed.close();
  }
}
