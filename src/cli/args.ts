// Typed access to parsed options (see commandLine.ts: values are exactly as typed).
import { LooopError } from '../errors.ts';
import type { OptionValue, Options } from './commandLine.ts';

export type Opts = Options;

/** The last value given for a value option, or undefined. */
export function str(v: OptionValue | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : undefined;
}

/** Every value given for a value option, in order. */
export function all(v: OptionValue | undefined): readonly string[] {
  return Array.isArray(v) ? v : [];
}

/** All values of a repeatable list option, split on commas and trimmed. */
export function list(v: OptionValue | undefined): string[] {
  return all(v)
    .flatMap((x) => x.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function usage(message: string, usageLine: string): LooopError {
  return new LooopError('USAGE', message, { hint: `usage: ${usageLine}` });
}

/** True for `''` and text made only of whitespace: nothing a person meant to send. */
export function blank(text: string): boolean {
  return text.trim() === '';
}

/** Reads all of stdin (for `-` bodies). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
