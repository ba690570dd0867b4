// The run_shell knobs (reference §4.4, §3.5): unsigned integers after trimming; an
// invalid value is warned about once and the default used.
import type { Ctx } from '../context.ts';
import { envCount } from '../envKnobs.ts';

export const DEFAULT_SHELL_TIMEOUT_SECS = 300;

/** LOOOP_SHELL_TIMEOUT_SECS: run_shell's deadline in seconds; 0 = none. */
export function shellTimeoutSecs(ctx: Ctx): number {
  return envCount(ctx, 'LOOOP_SHELL_TIMEOUT_SECS', DEFAULT_SHELL_TIMEOUT_SECS);
}

/** LOOOP_SHELL_ALLOW_DANGEROUS=1 turns the deny-list off; anything but 0/1 is warned about and means off. */
export function allowDangerous(ctx: Ctx): boolean {
  return envCount(ctx, 'LOOOP_SHELL_ALLOW_DANGEROUS', 0) === 1;
}
