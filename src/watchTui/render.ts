// One watch frame as text: exactly `rows` lines, each clipped to `cols` display
// columns, so a redraw is one write that overwrites the previous frame in place.
// Everything read from files is neutralised here; the colours are ours.
import { clip, duration, renderWorkers } from '../cli/renderWorkers.ts';
import { neutralize } from '../terminalText.ts';
import type { Filter, View } from './model.ts';

export const MIN_COLS = 40;
export const MIN_ROWS = 10;
/** Data rows of the fleet table before it scrolls with the selection. */
const TABLE_ROWS = 5;
const ASK_ROWS = 3;

export interface UiState {
  readonly selected: string | null;
  readonly filter: Filter;
  /** Colours (health, FAIL, the asks header); off under NO_COLOR. Dim and inverse stay. */
  readonly color: boolean;
  /** Scrolled back: the history lines and how many of them lie below the view; null = live. */
  readonly scroll: { readonly lines: readonly string[]; readonly back: number } | null;
}

/** Where things are on screen, so a mouse report can be mapped back to them (0-based rows). */
export interface Layout {
  /** The session shown on each screen row of the table, by row. */
  readonly tableRows: ReadonlyMap<number, string>;
  /** The first row of the screen pane and how many rows it has. */
  readonly paneTop: number;
  readonly paneRows: number;
}

const dim = (s: string): string => `\x1b[2m${s}\x1b[0m`;
const bar = (s: string): string => `\x1b[7m${s}\x1b[0m`;

/** An emulator row: its SGR colours kept, everything between them neutralised. */
function inertAnsi(row: string): string {
  return row
    .split(/(\x1b\[[0-9;]*m)/)
    .map((part, i) => (i % 2 === 1 ? part : neutralize(part)))
    .join('');
}

function fit(line: string, cols: number): string {
  return clip(line, cols);
}

const later = (s: number | null, by: number): number | null => (s === null ? null : s + by);

/** The view `by` seconds after it was read: every age moves on with the clock. */
function aged(view: View, by: number): View {
  if (by <= 0) return view;
  return {
    ...view,
    rows: view.rows.map((r) => ({ ...r, idle_s: later(r.idle_s, by), uptime_s: later(r.uptime_s, by), ask_age_s: later(r.ask_age_s, by) })),
    asks: view.asks.map((a) => ({ ...a, ageS: a.ageS + by })),
  };
}

/** The table: header, then at most TABLE_ROWS rows around the selection, `>` marking it. */
function table(view: View, ui: UiState): { lines: string[]; ids: Map<number, string> } {
  const lines = renderWorkers(view.rows, ui.color).split('\n');
  const ids = new Map<number, string>();
  if (view.rows.length === 0) return { lines: [`  ${lines[0] ?? ''}`], ids };
  const [header, ...body] = lines;
  const sel = Math.max(0, view.rows.findIndex((r) => r.id === ui.selected));
  const first = Math.min(Math.max(0, sel - TABLE_ROWS + 1), Math.max(0, body.length - TABLE_ROWS));
  const shown = body.slice(first, first + TABLE_ROWS).map((l, i) => `${first + i === sel ? '>' : ' '} ${l}`);
  const more = body.length > TABLE_ROWS ? dim(`  (${first} above, ${Math.max(0, body.length - first - TABLE_ROWS)} below)`) : null;
  shown.forEach((_, i) => {
    const id = view.rows[first + i]?.id;
    if (id !== undefined) ids.set(1 + i, id);
  });
  return { lines: [`  ${header ?? ''}`, ...shown, ...(more === null ? [] : [more])], ids };
}

function asks(view: View, color: boolean): string[] {
  if (view.asks.length === 0) return [dim('  no pending asks')];
  const count = `  ${view.asks.length} pending ask${view.asks.length === 1 ? '' : 's'}`;
  const head = `${color ? `\x1b[33m${count}\x1b[0m` : count}${dim(' — answer with: looop answer <ask> <text>')}`;
  const w = Math.max(...view.asks.slice(0, ASK_ROWS).map((a) => neutralize(a.id).length));
  const lines = view.asks.slice(0, ASK_ROWS).map((a) => `  ${neutralize(a.id).padEnd(w)}  ${duration(a.ageS).padStart(4)}  ${neutralize(a.worker)}: ${neutralize(a.question)}`);
  const rest = view.asks.length - ASK_ROWS;
  return [head, ...lines, ...(rest > 0 ? [dim(`  … ${rest} more (looop asks)`)] : [])];
}

function footer(view: View, ui: UiState): string {
  const hidden = view.hidden > 0 ? ` (${view.hidden} hidden)` : '';
  const keys = '↑/↓ j/k worker · PgUp/PgDn ^U/^D scroll · g/G top/live · a all · q quit';
  const problem = view.problem === null ? '' : ` · ⚠ ${neutralize(view.problem)}`;
  const at = ui.scroll === null ? '' : ` · scrolled back ${ui.scroll.back} of ${ui.scroll.lines.length} lines (G live)`;
  return ` ${ui.selected === null ? '—' : neutralize(ui.selected)} · ${ui.filter}${hidden}${at}${problem} · ${keys} `;
}

function parts(view: View, ui: UiState, rows: number): { top: string[]; layout: Layout } {
  const t = table(view, ui);
  const top = [...t.lines, '', ...asks(view, ui.color)];
  // The screen pane gets what is left, at least 3 rows; the top gives way first.
  const paneRows = Math.max(3, rows - top.length - 2);
  const keptTop = top.slice(0, Math.max(0, rows - 2 - paneRows));
  const tableRows = new Map([...t.ids].filter(([row]) => row < keptTop.length));
  return { top: keptTop, layout: { tableRows, paneTop: keptTop.length + 1, paneRows } };
}

/** The layout of the frame renderFrame draws for the same arguments. */
export function layoutOf(view: View, ui: UiState, rows: number): Layout {
  return parts(view, ui, rows).layout;
}

/** The history rows a view scrolled back by `back` shows, oldest first. */
function scrolled(lines: readonly string[], back: number, paneRows: number): string[] {
  const end = Math.max(0, lines.length - back);
  return lines.slice(Math.max(0, end - paneRows), end).map((l) => neutralize(l));
}

/** The whole frame, or a one-line notice when the terminal is too small for one. */
export function renderFrame(read: View, ui: UiState, cols: number, rows: number, nowMs: number): string[] {
  const view = aged(read, Math.floor((nowMs - read.readAtMs) / 1000));
  if (cols < MIN_COLS || rows < MIN_ROWS) {
    const notice = `too small: ${cols}x${rows} (need ${MIN_COLS}x${MIN_ROWS})`;
    return [notice.slice(0, cols), ...Array<string>(Math.max(0, rows - 1)).fill('')];
  }
  const { top, layout } = parts(view, ui, rows);
  const { paneRows } = layout;
  const what = ui.scroll === null ? 'live' : 'scrolled (G live)';
  const title = ` ${ui.selected === null ? 'screen' : `${neutralize(ui.selected)} — ${what}`} `;
  const rule = dim(`──${title}${'─'.repeat(Math.max(0, cols - title.length - 2))}`);
  const pane =
    ui.scroll !== null
      ? scrolled(ui.scroll.lines, ui.scroll.back, paneRows)
      : view.screen.kind === 'note'
        ? [dim(`  ${neutralize(view.screen.text)}`)]
        : ui.color
          ? view.screen.ansi.slice(-paneRows).map(inertAnsi)
          : view.screen.lines.slice(-paneRows).map((l) => neutralize(l));
  const body = [...top, rule, ...pane];
  while (body.length < rows - 1) body.push('');
  return [...body.slice(0, rows - 1), bar(footer(view, ui).padEnd(cols))].map((l) => fit(l, cols));
}
