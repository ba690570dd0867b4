// The `worker list` table (reference §7.7): fixed columns, durations in the largest
// whole unit, colour only on a TTY, and every line clipped to the terminal width.
import type { WorkerRow } from '../commands/workerList.ts';
import { neutralize } from '../terminalText.ts';

export function duration(s: number | null): string {
  if (s === null) return '-';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const paint = (on: boolean, code: string, s: string): string => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

function stateLabel(r: WorkerRow): string {
  return r.state === 'exited' && r.exit_code !== null ? `exit ${r.exit_code}` : r.state;
}

function healthCell(r: WorkerRow, color: boolean): string {
  const text = r.health.padEnd(11);
  if (r.health === 'stuck' || r.health === 'down' || r.health === 'failed') return paint(color, '31', text);
  if (r.health === 'waiting-ask') return paint(color, '33', text);
  if (r.health === 'done' || r.health === 'killed' || r.health === 'dead') return paint(color, '2', text);
  return text;
}

export function renderWorkers(rows: readonly WorkerRow[], color: boolean): string {
  if (rows.length === 0) return 'no workers';
  // Ids come from directory names: a bidi mark in one must not reorder the table.
  const shown = (r: WorkerRow): string => neutralize(r.id);
  const w = Math.max(2, ...rows.map((r) => Buffer.byteLength(shown(r))));
  const header = `${'ID'.padEnd(w)}  ${'HEALTH'.padEnd(11)}  ${'STATE'.padEnd(8)}  ${'IDLE'.padStart(6)}  ${'UP'.padStart(6)}  ${'ASK'.padStart(7)}  VERIFY`;
  const lines = [paint(color, '2', header)];
  for (const r of rows) {
    const verify = r.verify === null ? '-' : r.verify === 'pass' ? 'pass' : paint(color, '31', 'FAIL');
    lines.push(
      `${shown(r).padEnd(w - Buffer.byteLength(shown(r)) + shown(r).length)}  ${healthCell(r, color)}  ${neutralize(stateLabel(r)).padEnd(8)}  ${duration(r.idle_s).padStart(6)}  ${duration(r.uptime_s).padStart(6)}  ${duration(r.ask_age_s).padStart(7)}  ${verify}`,
    );
  }
  return lines.join('\n');
}

/** Display width of a string without its escape sequences (wide CJK/emoji count 2). */
function width(s: string): number {
  let n = 0;
  for (const ch of s.replace(/\x1b\[[0-9;]*m/g, '')) {
    const c = ch.codePointAt(0) ?? 0;
    n += c >= 0x1100 && (c <= 0x115f || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd)) ? 2 : 1;
  }
  return n;
}

/** Clips a line to `cols` display columns, keeping escape sequences intact. */
export function clip(line: string, cols: number): string {
  if (width(line) <= cols) return line;
  let out = '';
  let used = 0;
  const parts = line.split(/(\x1b\[[0-9;]*m)/);
  for (const p of parts) {
    if (p.startsWith('\x1b[')) {
      out += p;
      continue;
    }
    for (const ch of p) {
      const cw = width(ch);
      if (used + cw > cols) return `${out}\x1b[0m`;
      out += ch;
      used += cw;
    }
  }
  return out;
}
