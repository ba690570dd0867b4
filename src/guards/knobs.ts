// The loop's numeric knobs (reference §3.5, §4.4), parsed one way: an unsigned whole
// number after trimming; anything else warns once (through ctx.warn, keyed by the
// variable) and uses the default. Config values come from loadConfig, already
// validated; the environment wins over them.
import type { LooopConfig } from '../config/config.ts';
import { DEFAULT_INTERVAL_S, DEFAULT_MAX_NEXT_INTERVAL_S } from '../config/config.ts';
import type { GuardCtx } from './guardFile.ts';
import { envCount, envCountOrNull } from '../envKnobs.ts';

export { envCount };

export const DEFAULT_MAX_DECIDES_PER_HOUR = 120;
export const DEFAULT_NOOP_TTL_S = 21600;
export const DEFAULT_FLAP_STREAK = 5;
export const DEFAULT_TICK_TIMEOUT_S = 1800;
export const DEFAULT_RUNS_KEEP = 50;
export const DEFAULT_PROMPT_MAX_BYTES = 256 * 1024;

// setTimeout overflows past 2^31-1 ms (it then fires at once): longer means "no deadline".
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A deadline in ms from seconds: null for 0 (none) and for absurdly long ones. */
export function deadlineMs(seconds: number): number | null {
  if (seconds <= 0) return null;
  const ms = seconds * 1000;
  return ms > MAX_TIMER_MS ? null : ms;
}

export interface LoopKnobs {
  /** Seconds between beats: LOOOP_INTERVAL > config interval > 60, at least 1. */
  readonly intervalS: number;
  /** Cap on the decider's next_interval_s: LOOOP_MAX_NEXT_INTERVAL > config > 300, at least 1. */
  readonly maxNextIntervalS: number;
  /** Decide attempts per rolling hour; 0 = unlimited. */
  readonly maxDecidesPerHour: number;
  /** Re-decide an unchanged world after a noop this old; 0 = off. */
  readonly noopTtlS: number;
  /** Consecutive signal changes that flag a flapping sensor; 0 = off. */
  readonly flapStreak: number;
  /** The decide runner's deadline; null = none (0, or too long to time). */
  readonly tickTimeoutMs: number | null;
  /** Run dirs kept under runs/; 0 = all. */
  readonly runsKeep: number;
  /** The decide prompt's byte budget (LOOOP_PROMPT_MAX_BYTES); 0 = unlimited. */
  readonly promptMaxBytes: number;
}

function atLeastOne(ctx: GuardCtx, name: string, n: number): number {
  if (n >= 1) return n;
  ctx.warn(`env:${name}`, `${name}=0 would make the loop spin — clamped to 1s; set a positive whole number`);
  return 1;
}

/** Every loop knob. `config` is the beat's loaded config (null: none loaded, built-in defaults). */
export function loopKnobs(ctx: GuardCtx, config: Pick<LooopConfig, 'interval' | 'maxNextInterval'> | null): LoopKnobs {
  const interval = config?.interval ?? DEFAULT_INTERVAL_S;
  const maxNext = config?.maxNextInterval ?? DEFAULT_MAX_NEXT_INTERVAL_S;
  const envInterval = envCountOrNull(ctx, 'LOOOP_INTERVAL', interval);
  const envMaxNext = envCountOrNull(ctx, 'LOOOP_MAX_NEXT_INTERVAL', maxNext);
  return {
    intervalS: envInterval === null ? Math.max(1, interval) : atLeastOne(ctx, 'LOOOP_INTERVAL', envInterval),
    maxNextIntervalS: envMaxNext === null ? Math.max(1, maxNext) : atLeastOne(ctx, 'LOOOP_MAX_NEXT_INTERVAL', envMaxNext),
    maxDecidesPerHour: maxDecidesPerHour(ctx),
    noopTtlS: noopTtlS(ctx),
    flapStreak: flapStreak(ctx),
    tickTimeoutMs: deadlineMs(envCount(ctx, 'LOOOP_TICK_TIMEOUT_SECS', DEFAULT_TICK_TIMEOUT_S)),
    runsKeep: runsKeep(ctx),
    promptMaxBytes: envCount(ctx, 'LOOOP_PROMPT_MAX_BYTES', DEFAULT_PROMPT_MAX_BYTES),
  };
}

export function maxDecidesPerHour(ctx: GuardCtx): number {
  return envCount(ctx, 'LOOOP_MAX_DECIDES_PER_HOUR', DEFAULT_MAX_DECIDES_PER_HOUR);
}

export function noopTtlS(ctx: GuardCtx): number {
  return envCount(ctx, 'LOOOP_NOOP_TTL', DEFAULT_NOOP_TTL_S);
}

export function flapStreak(ctx: GuardCtx): number {
  return envCount(ctx, 'LOOOP_FLAP_STREAK', DEFAULT_FLAP_STREAK);
}

export function runsKeep(ctx: GuardCtx): number {
  return envCount(ctx, 'LOOOP_RUNS_KEEP', DEFAULT_RUNS_KEEP);
}
