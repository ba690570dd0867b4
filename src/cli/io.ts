// The only module that writes to the terminal. Data goes to stdout, diagnostics
// to stderr; a closed stdout pipe (`looop asks | head`) ends the process quietly.
// Diagnostics quote ids and file contents, so their control characters are made
// visible here; stdout text is neutralised by each renderer (colours are ours).
import { writeFully } from '../log/fdWriter.ts';
import { neutralize, neutralizeLines } from '../terminalText.ts';

function writeAll(fd: number, text: string): void {
  const e = writeFully(fd, Buffer.from(text));
  if (e === null) return;
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
}

export function out(text: string): void {
  writeAll(1, text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes exactly `text` (no newline added). */
export function outRaw(text: string): void {
  writeAll(1, text);
}

/** A diagnostic on stderr; line breaks stay, every other control character is shown inert. */
export function err(text: string): void {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  writeAll(2, `${neutralizeLines(body)}\n`);
}

const warned = new Set<string>();

/** Prints a `looop: …` diagnostic once per key per process. */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  // One line: a file's contents quoted in the message cannot forge a second one.
  err(neutralize(message.startsWith('looop:') ? message : `looop: ${message}`));
}

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && (process.env.NO_COLOR ?? '') === '';
}

export function dim(s: string, on: boolean): string {
  return on ? `\x1b[2m${s}\x1b[0m` : s;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** `[HH:MM:SS] msg` in local time, the reference's human log line. */
export function logLine(msg: string, now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `[${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}] ${msg}`;
}
