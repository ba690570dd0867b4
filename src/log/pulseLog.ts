// The pulse's log stream (reference §1.7, events in §12). JSON mode: one object per
// line, keys sorted, the reserved `ts` (UTC), `level`, `event`, `msg` always ours.
// Human mode: `[HH:MM:SS] msg` in local time, the event name not shown; info and
// step dim, ok/warn/error tinted, colours only when the caller says the stream takes
// them. A message is shown inert (control characters escaped) whatever its source.
// Writing never throws: a log line is never worth a beat.
import { canonicalJson } from '../world/hash.ts';
import type { LogFormat } from './logEnv.ts';
import { clockStamp, inertLines, stampedLines, stripAnsi } from './lineLayout.ts';

export const LOG_LEVELS = ['info', 'step', 'ok', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Readonly<Record<string, unknown>>;

/** A runner's rendered line (decide/streamRender.ts `Rendered` has this shape). */
export interface ToneLine {
  readonly text: string;
  readonly tone: 'plain' | 'dim' | 'fail';
  readonly gap?: boolean;
}

const RESERVED = new Set(['ts', 'level', 'event', 'msg']);

const SGR = { dim: '\x1b[2m', ok: '\x1b[97m', warn: '\x1b[33m', error: '\x1b[31m', reset: '\x1b[0m' } as const;

export interface LogOptions {
  readonly format: LogFormat;
  readonly color: boolean;
  readonly write: (text: string) => void;
  readonly now: () => Date;
  /** The stream can redraw a status line in place (a terminal, human mode). */
  readonly live?: boolean;
}

export interface PulseLog {
  readonly format: LogFormat;
  readonly info: (event: string, msg: string, fields?: LogFields) => void;
  readonly step: (event: string, msg: string, fields?: LogFields) => void;
  readonly ok: (event: string, msg: string, fields?: LogFields) => void;
  readonly warn: (event: string, msg: string, fields?: LogFields) => void;
  readonly error: (event: string, msg: string, fields?: LogFields) => void;
  readonly emit: (level: LogLevel, event: string, msg: string, fields?: LogFields) => void;
  /** One rendered runner line (event `tick.output`), tinted by its tone in human mode. */
  readonly runnerLine: (line: ToneLine, fields?: LogFields) => void;
  /** Shows `text` as the in-place status line (live streams only; otherwise nothing). */
  readonly status: (text: string) => void;
  /** Erases the status line, if one is showing. */
  readonly clearStatus: () => void;
}

/** `2026-12-01T17:36:33Z`: UTC to the second. */
export function utcStamp(at: Date): string {
  return `${at.toISOString().slice(0, 19)}Z`;
}

/** The JSON line for one event: caller fields first, the reserved keys always ours. */
export function jsonLine(level: LogLevel, event: string, msg: string, at: Date, fields: LogFields = {}): string {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (!RESERVED.has(k) && v !== undefined) o[k] = v;
  }
  o.ts = utcStamp(at);
  o.level = level;
  o.event = event;
  o.msg = msg;
  try {
    return canonicalJson(o);
  } catch {
    // A field JSON cannot carry (a BigInt, a cycle): keep the event, say so.
    return canonicalJson({ ts: o.ts, level, event, msg, fields_error: 'fields could not be serialised' });
  }
}

function paint(on: boolean, code: string, s: string): string {
  return on && s !== '' ? `${code}${s}${SGR.reset}` : s;
}

/** The human line(s) for one event, with a trailing newline. */
export function humanLine(level: LogLevel, msg: string, at: Date, color: boolean): string {
  const stamp = clockStamp(at);
  if (level === 'info' || level === 'step') {
    return `${inertLines(msg)
      .map((line, i) => paint(color, SGR.dim, i === 0 ? `${stamp} ${line}` : `${' '.repeat(stamp.length + 1)}${line}`))
      .join('\n')}\n`;
  }
  return `${stampedLines(stamp, msg, (s) => paint(color, SGR[level], s), (s) => paint(color, SGR.dim, s))}\n`;
}

/** A rendered runner line: dim like info, red like error, or plain text under a dim stamp. */
function toneLine(r: ToneLine, at: Date, color: boolean): string {
  const text = stripAnsi(r.text); // the runner's own colours would fight ours
  if (r.tone === 'dim') return humanLine('info', text, at, color);
  if (r.tone === 'fail') return humanLine('error', text, at, color);
  return `${stampedLines(clockStamp(at), text, (s) => s, (s) => paint(color, SGR.dim, s))}\n`;
}

export function createLog(opts: LogOptions): PulseLog {
  const live = opts.live === true && opts.format === 'human';
  let shown: string | null = null;
  const put = (text: string): void => {
    try {
      opts.write(text);
    } catch {
      // the writer's own failure is not the pulse's problem
    }
  };
  const out = (text: string): void => {
    // Erase the status line, print, then draw it again under the new line.
    if (live && shown !== null) put(`\r\x1b[2K${text}${shown}`);
    else put(text);
  };
  const line = (level: LogLevel, event: string, msg: string, fields?: LogFields): string => {
    const at = opts.now();
    return opts.format === 'json' ? `${jsonLine(level, event, msg, at, fields)}\n` : humanLine(level, msg, at, opts.color);
  };
  const emit = (level: LogLevel, event: string, msg: string, fields?: LogFields): void => out(line(level, event, msg, fields));
  return {
    format: opts.format,
    emit,
    info: (e, m, f) => emit('info', e, m, f),
    step: (e, m, f) => emit('step', e, m, f),
    ok: (e, m, f) => emit('ok', e, m, f),
    warn: (e, m, f) => emit('warn', e, m, f),
    error: (e, m, f) => emit('error', e, m, f),
    runnerLine(r, fields) {
      if (opts.format === 'json') return out(line('info', 'tick.output', r.text, { ...fields, tone: r.tone }));
      const text = toneLine(r, opts.now(), opts.color);
      out(r.gap === true ? `\n${text}` : text);
    },
    status(text) {
      if (!live) return;
      shown = inertLines(text)[0] ?? '';
      put(`\r\x1b[2K${shown}`);
    },
    clearStatus() {
      if (!live || shown === null) return;
      shown = null;
      put('\r\x1b[2K');
    },
  };
}
