// The watch loop: read, render, draw — again whenever a watched file moves (asks/,
// answers/, the session records, the selected session's output.log, the pulse lock),
// on a key, or on a resize. Never on a fast poll: an idle fleet costs no CPU. Bursts
// of events collapse: while one redraw runs, further triggers mark it dirty and one
// more redraw follows.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { watchPaths, type PathWatch } from '../watch/pathWatch.ts';
import { keysOf, type Input, type Key } from './input.ts';
import { readFleet, readScreen, type Filter, type Screen as ScreenView, type View, type WatchOptions } from './model.ts';
import { layoutOf, renderFrame, type UiState } from './render.ts';
import { emptyHistory, grewBy, historyLines, refreshHistory, type History } from './scrollback.ts';
import { openScreen, type Screen } from './terminal.ts';

/**
 * IDLE/UP/ASK ages move with the clock, not with files: the last read is redrawn with
 * its ages counted on this often, reading nothing. A worker turning stuck is a change
 * of time alone, so the files are re-read on the slow clock too.
 */
const AGE_TICK_MS = 5_000;
const REREAD_MS = 300_000;
const MIN_FRAME_MS = 50;

export interface WatchRun {
  readonly filter: Filter;
  readonly options: WatchOptions;
}

interface State {
  selected: string | null;
  filter: Filter;
  view: View | null;
  /** History lines below the view; 0 follows the live screen. */
  back: number;
  /** The selected session's history while scrolled back (dropped on return to live). */
  history: History | null;
}

/** Wheel steps move the log this many rows. */
const WHEEL_ROWS = 3;

function move(view: View | null, selected: string | null, by: number): string | null {
  if (view === null || view.rows.length === 0) return selected;
  const i = view.rows.findIndex((r) => r.id === selected);
  const next = Math.min(view.rows.length - 1, Math.max(0, (i < 0 ? 0 : i) + by));
  return view.rows[next]?.id ?? selected;
}

/** Runs until a quit key or a signal; resolves with the exit code. */
export async function runWatch(baseCtx: Ctx, run: WatchRun): Promise<number> {
  const notes: string[] = [];
  // Diagnostics would scribble over the frame: they go to the footer instead.
  const ctx: Ctx = { ...baseCtx, warn: (_key, message) => void notes.splice(0, notes.length, message) };
  const st: State = { selected: run.options.requested, filter: run.filter, view: null, back: 0, history: null };
  let screen: Screen | null = null;
  let watch: PathWatch | null = null;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));
  let running = false;
  let again = false;
  let closed = false;
  let lastRead = 0;
  /** The session whose screen the view holds, and whether it must be read again. */
  let shownFor: string | null | undefined;
  let needScreen = true;

  const redraw = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        // A flood of output would otherwise re-read as fast as it can: at most ~20 frames a second.
        const wait = MIN_FRAME_MS - (Date.now() - lastRead);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        lastRead = Date.now();
        again = false;
        const fleet = await readFleet(ctx, st.filter, run.options);
        if (st.selected === null || !fleet.rows.some((r) => r.id === st.selected)) select(fleet.rows[0]?.id ?? st.selected);
        const target = fleet.rows.length === 0 ? null : st.selected;
        const fresh = needScreen || target !== shownFor;
        needScreen = false;
        // The table and the asks go up at once; a live screen costs a round trip to its host.
        const problem = fleet.problem ?? notes[0] ?? null;
        const prior: ScreenView = target === shownFor && st.view !== null ? st.view.screen : { kind: 'note', text: '(reading the screen…)' };
        st.view = { rows: fleet.rows, hidden: fleet.hidden, asks: fleet.asks, screen: prior, problem, readAtMs: ctx.now().getTime() };
        paint();
        if (fresh && st.history !== null) {
          // New output while scrolled back moves the history on under the view, not the view.
          const before = { seen: st.history.seen, partial: st.history.partial !== '' };
          const next = refreshHistory(st.history);
          if (next === st.history) st.back += grewBy(before, next);
          st.history = next;
          clampScroll();
          paint();
        }
        if (fresh) {
          const shot = await readScreen(ctx, target);
          shownFor = target;
          st.view = { ...st.view, screen: shot };
          paint();
        }
      } while (again && !closed);
    } finally {
      running = false;
    }
  };
  const uiOf = (): UiState => ({
    selected: st.selected,
    filter: st.filter,
    color: (ctx.env.NO_COLOR ?? '') === '',
    scroll: st.history === null || st.back === 0 ? null : { lines: historyLines(st.history), back: st.back },
  });
  const paneRows = (): number => (st.view === null || screen === null ? 1 : layoutOf(st.view, uiOf(), screen.rows()).paneRows);
  /** Keeps the view inside the history; at the bottom it is live again. */
  const clampScroll = (): void => {
    const total = st.history === null ? 0 : historyLines(st.history).length;
    st.back = Math.min(Math.max(0, st.back), Math.max(0, total - paneRows()));
    if (st.back === 0) st.history = null;
  };
  const scrollBy = (rows: number): void => {
    if (st.selected === null || (st.history === null && rows <= 0)) return;
    if (st.history === null) st.history = refreshHistory(emptyHistory(path.join(ctx.paths.sessions, st.selected, 'output.log')));
    st.back += rows;
    clampScroll();
  };
  const select = (id: string | null): void => {
    if (id === st.selected) return;
    st.selected = id;
    // Another session: its live tail, not the old one's scroll position.
    st.back = 0;
    st.history = null;
  };
  const paint = (): void => {
    if (closed || screen === null || st.view === null) return;
    screen.draw(renderFrame(st.view, uiOf(), screen.cols(), screen.rows(), ctx.now().getTime()));
  };
  const kick = (screenToo = false): void => {
    if (screenToo) needScreen = true;
    redraw().catch(crash);
  };

  const SCROLL: Partial<Record<Key, () => number>> = {
    lineUp: () => 1,
    lineDown: () => -1,
    halfUp: () => Math.max(1, Math.floor(paneRows() / 2)),
    halfDown: () => -Math.max(1, Math.floor(paneRows() / 2)),
    pageUp: () => paneRows(),
    pageDown: () => -paneRows(),
    top: () => Number.MAX_SAFE_INTEGER,
    live: () => -Number.MAX_SAFE_INTEGER,
  };
  const onKey = (k: Input): void => {
    if (k === 'quit') return stop(0);
    if (typeof k === 'object') onMouse(k);
    else if (k === 'toggle') st.filter = st.filter === 'all' ? 'living' : 'all';
    else if (k === 'up' || k === 'down') select(move(st.view, st.selected, k === 'up' ? -1 : 1));
    else scrollBy(SCROLL[k]?.() ?? 0);
    kick(false);
  };
  const onMouse = (m: Exclude<Input, Key>): void => {
    if (st.view === null || screen === null) return;
    const at = layoutOf(st.view, uiOf(), screen.rows());
    const row = m.y - 1;
    if (m.kind === 'click') {
      const id = at.tableRows.get(row);
      if (id !== undefined) select(id);
    } else if (row < at.paneTop) select(move(st.view, st.selected, m.by));
    else scrollBy(-m.by * WHEEL_ROWS);
  };
  const onData = (d: Buffer | string): void => {
    for (const k of keysOf(d.toString())) onKey(k);
  };
  const onSignal = (sig: NodeJS.Signals): void => stop(sig === 'SIGINT' ? 130 : sig === 'SIGHUP' ? 129 : 143);
  const crash = (e: unknown): void => {
    screen?.restore();
    process.stderr.write(`looop: watch crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    stop(1);
  };
  const onExit = (): void => screen?.restore();
  const onResize = (): void => kick(false);
  const timers = [setInterval(paint, AGE_TICK_MS), setInterval(() => kick(true), REREAD_MS)];
  for (const tm of timers) tm.unref();

  function stop(code: number): void {
    if (closed) return;
    closed = true;
    for (const tm of timers) clearInterval(tm);
    screen?.restore();
    process.stdin.off('data', onData);
    process.stdin.pause();
    process.stdout.off('resize', onResize);
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(s, onSignal);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
    const w = watch;
    watch = null;
    void (w?.close() ?? Promise.resolve()).finally(() => finish(code));
  }

  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(s, onSignal);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.on('exit', onExit);
  screen = openScreen();
  process.stdin.on('data', onData);
  process.stdin.resume();
  process.stdout.on('resize', onResize);
  try {
    const p = ctx.paths;
    const ofSelected = (f: string): boolean => path.dirname(f) === path.join(p.sessions, st.selected ?? '');
    const relevant = (changed: readonly string[]): boolean => changed.some((f) => path.basename(f) !== 'output.log' || ofSelected(f));
    watch = await watchPaths(
      [
        { dir: p.asks },
        { dir: p.answers },
        // Only what the table and the screen show: the host's inbox and outbox move with every
        // screenshot watch itself asks for, and must not make it redraw again.
        { dir: p.sessions, depth: 1, names: (n) => n === 'session.json' || n === 'output.log' },
        { dir: path.join(p.dataDir, 'verify'), names: (n) => n.endsWith('.json') },
        { dir: p.lockDir },
        // The data dir's own entry: its removal is reported in the footer, its return redraws.
        { dir: path.dirname(p.dataDir), names: (n) => n === path.basename(p.dataDir) },
      ],
      (changed) => {
        if (relevant(changed)) kick(changed.some(ofSelected));
      },
      { env: ctx.env, onFallback: (m) => void notes.splice(0, notes.length, m) },
    );
    if (closed) await watch.close();
  } catch (e) {
    crash(e);
  }
  kick(true);
  const code = await done;
  process.off('exit', onExit);
  return code;
}
