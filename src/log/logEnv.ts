// Which shape the pulse's log stream takes, decided per process from its own stdout
// and environment (reference §1.7): JSON lines when LOOOP_LOG_FORMAT=json, else
// human lines, coloured only on a terminal with NO_COLOR unset and never in JSON.
import type { Env } from '../paths.ts';

export type LogFormat = 'human' | 'json';

/** The stream a log writes to, as far as these choices care. */
export interface LogStream {
  readonly isTTY?: boolean;
}

export function logFormatFromEnv(env: Env): LogFormat {
  return (env.LOOOP_LOG_FORMAT ?? '').trim().toLowerCase() === 'json' ? 'json' : 'human';
}

/** Colour: a terminal, NO_COLOR unset (or empty), and not JSON. */
export function colorOn(stream: LogStream, env: Env): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && logFormatFromEnv(env) !== 'json';
}

/**
 * The in-place status line (a countdown, a spinner): a terminal that can erase a
 * line, in human mode. NO_COLOR does not turn it off: it asks for no colours, and
 * the line has none.
 */
export function liveOn(stream: LogStream, env: Env): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb' && logFormatFromEnv(env) !== 'json';
}
