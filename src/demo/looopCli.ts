// The demo decider and agent talk to looop the way any runner does: through the
// CLI named by $LOOOP_BIN (which the pulse and every worker get), never through
// looop's internals. A `.cjs`/`.js` bin is run with this node, so the demo works
// even where `node` on PATH is another version.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function invocation(env: NodeJS.ProcessEnv): { file: string; pre: string[] } {
  const bin = env.LOOOP_BIN !== undefined && env.LOOOP_BIN !== '' ? env.LOOOP_BIN : fileURLToPath(new URL('../bin/looop.cjs', import.meta.url));
  return /\.[cm]?js$/.test(bin) ? { file: process.execPath, pre: [bin] } : { file: bin, pre: [] };
}

/**
 * Runs one looop verb to completion. `passStderr` lets its diagnostics reach our own
 * stderr (the agent's screen); otherwise they are captured for the caller to report.
 */
export function runLooop(args: readonly string[], env: NodeJS.ProcessEnv, passStderr = false): CliResult {
  const { file, pre } = invocation(env);
  const r = spawnSync(file, [...pre, ...args], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', passStderr ? 'inherit' : 'pipe'],
    maxBuffer: 16 << 20,
  });
  if (r.error !== undefined) return { code: null, stdout: '', stderr: `cannot run looop (${file}): ${r.error.message}` };
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** One line for a failed verb: what ran, how it ended, the last thing it said. */
export function failure(args: readonly string[], r: CliResult): string {
  const said = r.stderr.trim().split('\n').pop() ?? '';
  return `looop ${args.join(' ')} failed (exit ${r.code ?? 'none'})${said !== '' ? `: ${said}` : ''}`;
}
