// `config.json`: how the pulse decides (`tick_command`), how workers run
// (`worker_command`) and how often it beats. Absent → the built-in defaults. A file
// that is there but unreadable, not JSON, or holding a wrong type stops the caller with
// one line naming the file: a human wrote it, and silently beating with the defaults
// instead would run a different agent than the one they chose. The file is never
// rewritten here.
import { LooopError, isLooopError } from '../errors.ts';
import type { Paths } from '../paths.ts';
import { readDataFile } from '../store/dataFile.ts';
import { stripFormatterSeam } from './runnerLabel.ts';
import { parseCostSpec, type CostSpec } from '../cost/costSpec.ts';

/** No placeholder: the prompt goes on stdin (a long prompt would not fit one argv word). */
export const DEFAULT_TICK_COMMAND = 'claude -p --output-format stream-json --verbose --dangerously-skip-permissions --model sonnet';
export const DEFAULT_WORKER_COMMAND = 'claude --dangerously-skip-permissions --model opus "$(cat {{prompt_file}})"';
export const DEFAULT_INTERVAL_S = 60;
export const DEFAULT_MAX_NEXT_INTERVAL_S = 300;
export const DEFAULT_SESSION_TTL_S = 259200;

export const NOTIFY_KINDS = ['ask', 'stuck', 'dead', 'pulse_down'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];
export const DEFAULT_NOTIFY_ON: readonly NotifyKind[] = ['ask'];

const MAX_CONFIG_BYTES = 256 * 1024;

export interface LooopConfig {
  readonly tickCommand: string;
  readonly workerCommand: string;
  /** Seconds between beats, at least 1. */
  readonly interval: number;
  /** Cap on the decider's next_interval_s nudge, at least 1. */
  readonly maxNextInterval: number;
  /** Dead-session retention; 0 reaps at once. */
  readonly sessionTtl: number;
  /** `max_daily_usd`: null when absent (the default budget applies); ≤ 0 turns the breaker off. */
  readonly maxDailyUsd: number | null;
  /** `cost`: how to meter a runner looop does not know (claude and pi are built in). */
  readonly cost: CostSpec | null;
  /** `notify_command`: run once per new event (src/notify/); null when absent. */
  readonly notifyCommand: string | null;
  /** `notify_on`: which events notify; ["ask"] when absent. */
  readonly notifyOn: readonly NotifyKind[];
  /** Where the values came from: the file, or the built-in defaults (no file). */
  readonly source: 'file' | 'default';
  /** Values that were usable only after clamping, one sentence each, for the caller to warn. */
  readonly notes: readonly string[];
}

export const DEFAULT_CONFIG: LooopConfig = {
  tickCommand: DEFAULT_TICK_COMMAND,
  workerCommand: DEFAULT_WORKER_COMMAND,
  interval: DEFAULT_INTERVAL_S,
  maxNextInterval: DEFAULT_MAX_NEXT_INTERVAL_S,
  sessionTtl: DEFAULT_SESSION_TTL_S,
  maxDailyUsd: null,
  cost: null,
  notifyCommand: null,
  notifyOn: DEFAULT_NOTIFY_ON,
  source: 'default',
  notes: [],
};

function configError(file: string, problem: string): LooopError {
  return new LooopError('CONFIG', `config ${file} ${problem}`, {
    hint: 'fix the file (or move it aside to use the built-in defaults), then retry',
  });
}

/** The parsed JSON object, or null when there is no file. Throws CONFIG for anything else. */
export function readConfigObject(paths: Paths): Record<string, unknown> | null {
  const file = paths.configPath;
  const r = readDataFile(file, MAX_CONFIG_BYTES);
  if (r.kind === 'absent') return null;
  if (r.kind === 'refused') throw configError(file, r.problem);
  let o: unknown;
  try {
    o = JSON.parse(r.bytes.toString('utf8'));
  } catch (e) {
    throw configError(file, `is not valid JSON (${(e as Error).message})`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw configError(file, 'must hold a JSON object');
  return o as Record<string, unknown>;
}

function command(file: string, o: Record<string, unknown>, key: string, legacy: string, fallback: string): string {
  for (const k of [key, legacy]) {
    const v = o[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw configError(file, `has a ${typeof v} for "${k}" (expected a shell command string)`);
    if (v.trim() === '') throw configError(file, `has an empty "${k}"`);
    return stripFormatterSeam(v);
  }
  return fallback;
}

/** Whole seconds: a float truncates toward zero, below 1 collapses to 0 (as upstream). */
function seconds(file: string, o: Record<string, unknown>, key: string, fallback: number): number {
  const v = o[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw configError(file, `has ${JSON.stringify(v)} for "${key}" (expected a number of seconds)`);
  return v < 1 ? 0 : Math.trunc(v);
}

function usd(file: string, o: Record<string, unknown>, key: string): number | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw configError(file, `has ${JSON.stringify(v)} for "${key}" (expected a number of US dollars; 0 turns the budget off)`);
  return v;
}

function costSpec(file: string, o: Record<string, unknown>): CostSpec | null {
  const r = parseCostSpec(o.cost);
  if (r.kind === 'bad') throw configError(file, `has a bad "cost": ${r.problem}`);
  return r.spec;
}

function notifyCommand(file: string, o: Record<string, unknown>): string | null {
  const v = o.notify_command;
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw configError(file, `has a ${Array.isArray(v) ? 'list' : typeof v} for "notify_command" (expected a shell command string)`);
  if (v.trim() === '') throw configError(file, 'has an empty "notify_command" (leave the key out to turn notifications off)');
  return v;
}

function notifyOn(file: string, o: Record<string, unknown>): readonly NotifyKind[] {
  const v = o.notify_on;
  if (v === undefined || v === null) return DEFAULT_NOTIFY_ON;
  const known = (k: unknown): k is NotifyKind => typeof k === 'string' && (NOTIFY_KINDS as readonly string[]).includes(k);
  if (!Array.isArray(v) || !v.every(known)) {
    throw configError(file, `has ${JSON.stringify(v).slice(0, 80)} for "notify_on" (expected a list of ${NOTIFY_KINDS.map((k) => `"${k}"`).join(', ')})`);
  }
  return [...new Set(v)];
}

/** The config, or the one-line error a bad file gives: read once per beat and shared. */
export type ConfigRead = { readonly config: LooopConfig } | { readonly error: LooopError };

export function tryLoadConfig(paths: Paths): ConfigRead {
  try {
    return { config: loadConfig(paths) };
  } catch (e) {
    if (isLooopError(e)) return { error: e };
    throw e;
  }
}

/** Reads and validates the config; the defaults only when there is no file at all. */
export function loadConfig(paths: Paths): LooopConfig {
  const o = readConfigObject(paths);
  if (o === null) return DEFAULT_CONFIG;
  const file = paths.configPath;
  const notes: string[] = [];
  const atLeastOne = (key: string, n: number): number => {
    if (n >= 1) return n;
    notes.push(`${key} resolved to 0s (would busy-spin) — clamped to 1s; set a positive integer in ${file}`);
    return 1;
  };
  const workerCommand = command(file, o, 'worker_command', 'interactive', DEFAULT_WORKER_COMMAND);
  return {
    tickCommand: command(file, o, 'tick_command', 'tick', DEFAULT_TICK_COMMAND),
    workerCommand,
    interval: atLeastOne('interval', seconds(file, o, 'interval', DEFAULT_INTERVAL_S)),
    maxNextInterval: atLeastOne('max_next_interval', seconds(file, o, 'max_next_interval', DEFAULT_MAX_NEXT_INTERVAL_S)),
    sessionTtl: seconds(file, o, 'session_ttl', DEFAULT_SESSION_TTL_S),
    maxDailyUsd: usd(file, o, 'max_daily_usd'),
    cost: costSpec(file, o),
    notifyCommand: notifyCommand(file, o),
    notifyOn: notifyOn(file, o),
    source: 'file',
    notes,
  };
}
