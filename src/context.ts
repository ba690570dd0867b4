import type { Env, Paths } from './paths.ts';
import { ensureDir } from './store/fsio.ts';

/** Everything a command needs from the outside world, passed explicitly. */
export interface Ctx {
  readonly paths: Paths;
  readonly env: Env;
  readonly now: () => Date;
  /** Diagnostics for stderr; the sink prints each key at most once per process. */
  readonly warn: (key: string, message: string) => void;
  /** Absolute path of the looop executable, for children. */
  readonly bin: string;
}

/** Creates the mailbox directories (0700) a verb is about to use. Idempotent. */
export function ensureLayout(paths: Paths): void {
  ensureDir(paths.dataDir);
  for (const d of [paths.asks, paths.answers, paths.tells, paths.claims, paths.reports, paths.prompts, paths.sessions]) {
    ensureDir(d);
  }
}

export function unixSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000);
}
