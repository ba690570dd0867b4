// How one message becomes terminal-safe text lines: the `[HH:MM:SS] ` stamp, control
// characters shown as escapes (text from files and runners may carry them), and
// continuation lines indented under the message so a multi-line message can never
// pass for a line of its own. A runner's own styling can be stripped first.
import { neutralize } from '../terminalText.ts';

export const STAMP_WIDTH = '[00:00:00] '.length;
const INDENT = ' '.repeat(STAMP_WIDTH);

/** `[HH:MM:SS]` in local time. */
export function clockStamp(at: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `[${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}]`;
}

// CSI sequences (colours, cursor moves, erases) and OSC sequences (titles, links).
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/gu;

/** Drops a program's own terminal styling (its colours mean nothing in our archive). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** The lines of `text`, every control character shown as a visible escape. */
export function inertLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => neutralize(line.replace(/\r$/, '')));
}

/** The first line is stamped, the rest indented; `tint` colours each line's text part. */
export function stampedLines(stamp: string, text: string, tint: (s: string) => string = (s) => s, dimStamp: (s: string) => string = (s) => s): string {
  return inertLines(text)
    .map((line, i) => (i === 0 ? `${dimStamp(stamp)} ${tint(line)}` : `${INDENT}${tint(line)}`))
    .join('\n');
}
