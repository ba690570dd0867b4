// cac declarations for the loop's own verbs: `up` starts the pulse in its session,
// `down` stops it and sweeps the workers, `pulse` is the loop in the foreground.
import type { CAC } from 'cac';
import { cliContext } from '../context.ts';
import { err, out } from '../io.ts';
import type { Opts } from '../args.ts';
import type { Ctx } from '../../context.ts';

/** §1.3: the verbs that launch the runner first check that its programs exist. */
async function preflight(ctx: Ctx): Promise<boolean> {
  const { loadConfig } = await import('../../config/config.ts');
  const { runnerPreflight } = await import('../../config/preflight.ts');
  const r = runnerPreflight(loadConfig(ctx.paths), { env: ctx.env, cwd: ctx.paths.dataDir });
  if (r.ok) return true;
  err(r.message);
  return false;
}

async function up(opts: Opts): Promise<number> {
  const ctx = cliContext();
  const { runUp, requireConfig } = await import('../../commands/up.ts');
  requireConfig(ctx);
  if (!(await preflight(ctx))) return 1;
  const r = await runUp(ctx, { json: opts.json === true });
  if (r.kind === 'started') out(`looop: pulse started (pid ${r.pid})${r.json ? ' [json]' : ''} — follow it with \`looop log pulse --follow\``);
  else out(`looop: pulse already running (pid ${r.pid}${r.since === null ? '' : `, up since ${r.since}`})`);
  return 0;
}

async function down(): Promise<number> {
  const ctx = cliContext();
  const { runDown } = await import('../../commands/down.ts');
  const r = await runDown(ctx);
  if (r.workers.length > 0) out(`looop: stopped ${r.workers.length} worker${r.workers.length === 1 ? '' : 's'} (${r.workers.join(', ')})`);
  for (const f of r.failed) err(`looop: could not stop worker ${f.id}: ${f.error}`);
  out(r.pulse === 'stopped' ? 'looop: pulse stopped' : 'looop: pulse not running');
  return r.failed.length > 0 ? 1 : 0;
}

async function pulse(): Promise<number> {
  const ctx = cliContext();
  if (!(await preflight(ctx))) return 1;
  const { runPulse } = await import('../../pulse/loop.ts');
  const { createLog } = await import('../../log/pulseLog.ts');
  const { logFormatFromEnv, colorOn, liveOn } = await import('../../log/logEnv.ts');
  const { fdWriter } = await import('../../log/fdWriter.ts');
  const format = logFormatFromEnv(ctx.env);
  const log = createLog({ format, color: colorOn(process.stdout, ctx.env), live: liveOn(process.stdout, ctx.env), write: fdWriter(1).write, now: ctx.now });
  return runPulse({ ctx, log, env: ctx.env, cwd: process.cwd(), json: format === 'json' });
}

export function registerPulse(cli: CAC): void {
  cli
    .command('up', 'Start the pulse (the loop) in a session named `pulse`; returns once it holds its lock')
    .option('--json', 'The pulse logs JSON lines instead of text')
    .example('looop up && looop log pulse --follow')
    .action(async (opts: Opts) => up(opts));
  cli.command('down', 'Stop the pulse, then every live worker').action(async () => down());
  cli.command('pulse', 'Run the loop in the foreground (what `up` runs in its session); Ctrl-C stops it after the current beat').action(async () => pulse());
}
