import { fileURLToPath } from 'node:url';
import { exportedEnv, resolvePaths } from '../paths.ts';
import type { Ctx } from '../context.ts';
import { warnOnce } from './io.ts';

let cached: Ctx | undefined;

/** Builds the command context from this process and exports looop's variables for children. */
export function cliContext(): Ctx {
  if (cached !== undefined) return cached;
  const paths = resolvePaths(process.env, process.cwd());
  const bin = fileURLToPath(new URL('../bin/looop.cjs', import.meta.url));
  Object.assign(process.env, exportedEnv(paths, bin));
  cached = { paths, env: process.env, now: () => new Date(), warn: warnOnce, bin };
  return cached;
}
