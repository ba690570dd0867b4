// One rendered screen, the shape shared by live screenshots, the final screen
// saved at exit and offline replays. Plain rows are right-trimmed; ANSI rows carry
// their own SGR state (reset at the end of each row so colours never bleed).
import { createHash } from 'node:crypto';
import type { IBufferCell } from '@xterm/headless';
import type { EmulatedTerminal } from './xterm.ts';

export interface Cell {
  readonly row: number;
  readonly col: number;
  readonly char: string;
  readonly width?: number;
  readonly fg?: string;
  readonly bg?: string;
  readonly bold?: true;
  readonly dim?: true;
  readonly italic?: true;
  readonly underline?: true;
  readonly inverse?: true;
  readonly strike?: true;
}

export interface Frame {
  readonly cols: number;
  readonly rows: number;
  readonly cursor: { readonly row: number; readonly col: number; readonly hidden: boolean };
  readonly alternate: boolean;
  readonly lines: readonly string[];
  readonly ansi: readonly string[];
  readonly cells: readonly Cell[] | null;
  /** Bytes of output.log this frame reflects. */
  readonly offset: number;
}

type BufferCell = IBufferCell;

function colour(mode: 'fg' | 'bg', c: BufferCell): string | undefined {
  if (mode === 'fg' ? c.isFgDefault() : c.isBgDefault()) return undefined;
  const v = mode === 'fg' ? c.getFgColor() : c.getBgColor();
  if (mode === 'fg' ? c.isFgRGB() : c.isBgRGB()) return `#${v.toString(16).padStart(6, '0')}`;
  return `idx${v}`;
}

function sgrColour(mode: 'fg' | 'bg', c: BufferCell): string[] {
  if (mode === 'fg' ? c.isFgDefault() : c.isBgDefault()) return [];
  const v = mode === 'fg' ? c.getFgColor() : c.getBgColor();
  const base = mode === 'fg' ? 30 : 40;
  if (mode === 'fg' ? c.isFgRGB() : c.isBgRGB()) return [`${base + 8};2;${(v >> 16) & 255};${(v >> 8) & 255};${v & 255}`];
  if (v < 8) return [String(base + v)];
  if (v < 16) return [String(base + 60 + v - 8)];
  return [`${base + 8};5;${v}`];
}

function sgrOf(c: BufferCell): string {
  const p: string[] = [];
  if (c.isBold()) p.push('1');
  if (c.isDim()) p.push('2');
  if (c.isItalic()) p.push('3');
  if (c.isUnderline()) p.push('4');
  if (c.isBlink()) p.push('5');
  if (c.isInverse()) p.push('7');
  if (c.isInvisible()) p.push('8');
  if (c.isStrikethrough()) p.push('9');
  if (c.isOverline()) p.push('53');
  p.push(...sgrColour('fg', c), ...sgrColour('bg', c));
  return p.join(';');
}

function isBlank(c: BufferCell): boolean {
  const ch = c.getChars();
  return (ch === '' || ch === ' ') && c.isBgDefault() && !c.isInverse();
}

function cellOf(row: number, col: number, c: BufferCell): Cell | null {
  const ch = c.getChars();
  const styled = !c.isAttributeDefault();
  if ((ch === '' || ch === ' ') && !styled) return null;
  const fg = colour('fg', c);
  const bg = colour('bg', c);
  return {
    row,
    col,
    char: ch === '' ? ' ' : ch,
    ...(c.getWidth() === 2 ? { width: 2 } : {}),
    ...(fg === undefined ? {} : { fg }),
    ...(bg === undefined ? {} : { bg }),
    ...(c.isBold() ? { bold: true as const } : {}),
    ...(c.isDim() ? { dim: true as const } : {}),
    ...(c.isItalic() ? { italic: true as const } : {}),
    ...(c.isUnderline() ? { underline: true as const } : {}),
    ...(c.isInverse() ? { inverse: true as const } : {}),
    ...(c.isStrikethrough() ? { strike: true as const } : {}),
  };
}

/** Renders the visible screen. `withCells` adds the per-cell list (JSON screenshots). */
export function renderFrame(emu: EmulatedTerminal, offset: number, withCells: boolean): Frame {
  const { term } = emu;
  const buf = term.buffer.active;
  const lines: string[] = [];
  const ansi: string[] = [];
  const cells: Cell[] = [];
  const probe = buf.getNullCell();
  for (let y = 0; y < term.rows; y++) {
    const line = buf.getLine(buf.viewportY + y);
    if (line === undefined) {
      lines.push('');
      ansi.push('');
      continue;
    }
    lines.push(line.translateToString(true));
    let last = -1;
    for (let x = 0; x < term.cols; x++) {
      const c = line.getCell(x, probe);
      if (c !== undefined && c.getWidth() > 0 && !isBlank(c)) last = x;
    }
    let row = '';
    let cur = '';
    for (let x = 0; x <= last; x++) {
      const c = line.getCell(x, probe);
      if (c === undefined || c.getWidth() === 0) continue; // the right half of a wide character
      const sgr = sgrOf(c);
      if (sgr !== cur) {
        row += sgr === '' ? '\x1b[0m' : `\x1b[0;${sgr}m`;
        cur = sgr;
      }
      row += c.getChars() === '' ? ' ' : c.getChars();
      if (withCells) {
        const cell = cellOf(y, x, c);
        if (cell !== null) cells.push(cell);
      }
    }
    ansi.push(cur === '' ? row : `${row}\x1b[0m`);
  }
  return {
    cols: term.cols,
    rows: term.rows,
    cursor: { row: buf.cursorY, col: buf.cursorX, hidden: emu.cursorHidden() },
    alternate: buf.type === 'alternate',
    lines,
    ansi,
    cells: withCells ? cells : null,
    offset,
  };
}

/** A blank screen, for a session that never printed anything. */
export function blankFrame(cols: number, rows: number, offset: number): Frame {
  const empty = Array.from({ length: rows }, () => '');
  return { cols, rows, cursor: { row: 0, col: 0, hidden: false }, alternate: false, lines: empty, ansi: empty, cells: [], offset };
}

/** 16 hex chars of SHA-256 over the plain rows joined by LF: colour-only changes keep it. */
export function screenHash(lines: readonly string[]): string {
  return createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 16);
}

/** Rows left after dropping trailing blank rows (the whole screen blank → 0). */
export function trimmedRowCount(lines: readonly string[]): number {
  let n = lines.length;
  while (n > 0 && (lines[n - 1] ?? '').trim() === '') n -= 1;
  return n;
}

export type ShotFormat = 'plain' | 'ansi' | 'json';
export type ShotSource = 'live' | 'final' | 'replay';

/** The text a screenshot prints in `format` (json is an object printed by the CLI). */
export function formatFrame(frame: Frame, format: ShotFormat, trim: boolean, source: ShotSource): string | Record<string, unknown> {
  const n = trim ? trimmedRowCount(frame.lines) : frame.lines.length;
  const text = frame.lines.slice(0, n).join('\n');
  if (format === 'plain') return text;
  if (format === 'ansi') return `${frame.ansi.slice(0, n).join('\n')}\x1b[0m`;
  return {
    rows: frame.rows,
    cols: frame.cols,
    cursor: frame.cursor,
    alternate_screen: frame.alternate,
    screen_hash: screenHash(frame.lines),
    format: 'json',
    source,
    offset: frame.offset,
    text,
    lines: frame.lines,
    cells: frame.cells ?? [],
  };
}
