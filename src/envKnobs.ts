// Every numeric LOOOP_* knob is read one way: an unsigned whole number after trimming.
// Anything else is warned about once (keyed by the variable) and the default used;
// a number too large for JavaScript saturates rather than wrapping.
import type { Ctx } from './context.ts';

export type KnobCtx = Pick<Ctx, 'env' | 'warn'>;

/** `name` as a whole number ≥ 0, else `fallback`. */
export function envCount(ctx: KnobCtx, name: string, fallback: number): number {
  return envCountOrNull(ctx, name, fallback) ?? fallback;
}

/** Like envCount, but null when the variable is unset or invalid (so a config value can apply). */
export function envCountOrNull(ctx: KnobCtx, name: string, shownDefault: number): number | null {
  const raw = ctx.env[name]?.trim();
  if (raw === undefined || raw === '') return null;
  if (/^\d+$/.test(raw)) return Math.min(Number(raw), Number.MAX_SAFE_INTEGER);
  ctx.warn(`env:${name}`, `${name}=${JSON.stringify(raw)} is not a whole number of at least 0 — using ${shownDefault}`);
  return null;
}
