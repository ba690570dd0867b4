// cac hands back loosely typed values (and turns "42" into 42); these helpers turn
// them into the strings and lists the commands expect.
import { LooopError } from '../errors.ts';

export type Opts = Record<string, unknown>;

export function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === false) return undefined;
  if (Array.isArray(v)) return str(v[v.length - 1]);
  return String(v);
}

/** All values of a repeatable option, split on commas and trimmed. */
export function list(v: unknown): string[] {
  if (v === undefined || v === null || v === false) return [];
  const items = Array.isArray(v) ? v : [v];
  return items.flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

/** Positional words plus anything after `--`. */
export function words(positional: unknown, opts: Opts): string[] {
  const base = Array.isArray(positional) ? positional : positional === undefined ? [] : [positional];
  const rest = Array.isArray(opts['--']) ? (opts['--'] as unknown[]) : [];
  return [...base, ...rest].map((w) => String(w));
}

export function usage(message: string, usageLine: string): LooopError {
  return new LooopError('USAGE', message, { hint: `usage: ${usageLine}` });
}

/** Reads all of stdin (for `-` bodies). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
