// The watch loop: read, render, draw — again whenever a watched file moves (asks/,
// answers/, the session records, the selected session's output.log, the pulse lock),
// on a key, or on a resize. Never on a fast poll: an idle fleet costs no CPU. Bursts
// of events collapse: while one redraw runs, further triggers mark it dirty and one
// more redraw follows.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { watchPaths, type PathWatch } from '../watch/pathWatch.ts';
import { keysOf, type Key } from './input.ts';
import { readFleet, readScreen, type Filter, type View, type WatchOptions } from './model.ts';
import { renderFrame, type UiState } from './render.ts';
import { openScreen, type Screen } from './terminal.ts';

/**
 * IDLE/UP/ASK ages move with the clock, not with files: the last read is redrawn with
 * its ages counted on this often, reading nothing. A worker turning stuck is a change
 * of time alone, so the files are re-read on the slow clock too.
 */
const AGE_TICK_MS = 5_000;
const REREAD_MS = 300_000;

export interface WatchRun {
  readonly filter: Filter;
  readonly options: WatchOptions;
}

interface State {
  selected: string | null;
  filter: Filter;
  view: View | null;
}

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
  const st: State = { selected: run.options.requested, filter: run.filter, view: null };
  let screen: Screen | null = null;
  let watch: PathWatch | null = null;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => (finish = resolve));
  let running = false;
  let again = false;
  let closed = false;

  const redraw = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const fleet = await readFleet(ctx, st.filter, run.options);
        if (st.selected === null || !fleet.rows.some((r) => r.id === st.selected)) st.selected = fleet.rows[0]?.id ?? st.selected;
        const shot = await readScreen(ctx, fleet.rows.length === 0 ? null : st.selected);
        const problem = fleet.problem ?? notes[0] ?? null;
        st.view = { rows: fleet.rows, hidden: fleet.hidden, asks: fleet.asks, screen: shot, problem, readAtMs: ctx.now().getTime() };
        paint();
      } while (again && !closed);
    } finally {
      running = false;
    }
  };
  const paint = (): void => {
    if (closed || screen === null || st.view === null) return;
    const ui: UiState = { selected: st.selected, filter: st.filter, color: (ctx.env.NO_COLOR ?? '') === '' };
    screen.draw(renderFrame(st.view, ui, screen.cols(), screen.rows(), ctx.now().getTime()));
  };
  const kick = (): void => {
    redraw().catch(crash);
  };

  const onKey = (k: Key): void => {
    if (k === 'quit') return stop(0);
    if (k === 'toggle') st.filter = st.filter === 'all' ? 'living' : 'all';
    else st.selected = move(st.view, st.selected, k === 'up' ? -1 : 1);
    kick();
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
  const timers = [setInterval(paint, AGE_TICK_MS), setInterval(kick, REREAD_MS)];
  for (const tm of timers) tm.unref();

  function stop(code: number): void {
    if (closed) return;
    closed = true;
    for (const tm of timers) clearInterval(tm);
    screen?.restore();
    process.stdin.off('data', onData);
    process.stdin.pause();
    process.stdout.off('resize', kick);
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
  process.stdout.on('resize', kick);
  try {
    const p = ctx.paths;
    const relevant = (changed: readonly string[]): boolean =>
      changed.some((f) => path.basename(f) !== 'output.log' || path.basename(path.dirname(f)) === st.selected);
    watch = await watchPaths(
      [{ dir: p.asks }, { dir: p.answers }, { dir: p.sessions, depth: 1 }, { dir: p.lockDir }, { dir: path.dirname(p.dataDir), names: (n) => n === path.basename(p.dataDir) }],
      (changed) => {
        if (relevant(changed)) kick();
      },
      { env: ctx.env, onFallback: (m) => void notes.splice(0, notes.length, m) },
    );
    if (closed) await watch.close();
  } catch (e) {
    crash(e);
  }
  kick();
  const code = await done;
  process.off('exit', onExit);
  return code;
}
