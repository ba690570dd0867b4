// Which command a worker runs: a --command override, else `worker_command` from the
// config (src/config/config.ts `loadConfig`, the one reader: the built-in default when
// the file or the key is absent — a broken config is an error, never silently replaced). The prompt path is
// substituted shell-quoted, and the whole line runs in the data dir.
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { LooopError } from '../errors.ts';
import { loadConfig, readConfigObject } from '../config/config.ts';

export { DEFAULT_WORKER_COMMAND } from '../config/config.ts';
const PLACEHOLDER = '{{prompt_file}}';

export interface WorkerTemplate {
  readonly template: string;
  /** What to call it in messages: `--command override`, `worker_command` or `runners.<r>`. */
  readonly label: string;
  readonly override: boolean;
}

/** POSIX single quoting: safe for any bytes except NUL. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function nonBlank(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

/** The command template for a worker, from the override, a named runner, or the config. */
export function workerTemplate(ctx: Ctx, opts: { command?: string; runner?: string }): WorkerTemplate {
  const override = nonBlank(opts.command);
  if (override !== undefined) return { template: override, label: '--command override', override: true };
  // The one config reader: a broken file stops the start with one line naming it.
  const config = loadConfig(ctx.paths);
  if (opts.runner !== undefined) {
    const runners = readConfigObject(ctx.paths)?.runners;
    const r = typeof runners === 'object' && runners !== null ? (runners as Record<string, unknown>)[opts.runner] : undefined;
    const cmd = typeof r === 'object' && r !== null ? (nonBlank((r as Record<string, unknown>).worker_command) ?? nonBlank((r as Record<string, unknown>).interactive)) : undefined;
    if (cmd === undefined) {
      throw new LooopError('CONFIG', `unknown runner '${opts.runner}'`, { hint: `define runners.${opts.runner}.worker_command in ${ctx.paths.configPath}, or pass --command` });
    }
    return { template: cmd, label: `runners.${opts.runner}`, override: false };
  }
  return { template: config.workerCommand, label: 'worker_command', override: false };
}

/** Checks the raw template, then substitutes the quoted prompt path everywhere. */
export function substitutePrompt(t: WorkerTemplate, promptFile: string): string {
  if (t.template.includes('{{model}}') || t.template.includes('{{thinking}}')) {
    const hint = t.override ? 'bake the value directly into the --command string instead' : 'bake the value into the command instead: re-run `looop init` or edit the config';
    throw new LooopError('CONFIG', `${t.label} still uses the removed {{model}}/{{thinking}} placeholders`, { hint });
  }
  if (!t.template.includes(PLACEHOLDER)) {
    // A worker always gets its brief; a command with no use for it can still say so.
    const ignoring = `${t.template.trim()} # ${PLACEHOLDER}`;
    const hint = t.override
      ? `to run a command that ignores the brief, put the placeholder in a comment: --command ${shellQuote(ignoring)}`
      : `add ${PLACEHOLDER} to ${t.label} (or, to ignore the brief, a comment: ${JSON.stringify(ignoring)})`;
    throw new LooopError('CONFIG', `${t.label} must contain the ${PLACEHOLDER} placeholder (the prompt file is the worker's brief): ${JSON.stringify(t.template)}`, { hint });
  }
  return fillPromptFile(t.template, promptFile);
}

/** Every `{{prompt_file}}` (bare, "…" or '…' wrapped) becomes the single-quoted path, never quoted twice. */
export function fillPromptFile(template: string, promptFile: string): string {
  const q = shellQuote(promptFile);
  // Pre-quoted placeholders first, so a template that already quotes it is not quoted twice.
  return template.split(`"${PLACEHOLDER}"`).join(q).split(`'${PLACEHOLDER}'`).join(q).split(PLACEHOLDER).join(q);
}

export function hasPromptPlaceholder(template: string): boolean {
  return template.includes(PLACEHOLDER);
}

/**
 * The script the session runs: the worker's identity, the data dir as cwd, then the
 * command in a group. The group closes on its own line so a command ending in a
 * `# comment` cannot comment out the closing brace.
 */
export function launchLine(id: string, dataDir: string, command: string): string {
  return `export LOOOP_SESSION_ID=${shellQuote(id)}; cd ${shellQuote(dataDir)} && {\n${command}\n}`;
}

/** The runner's name for the contract's cost line: the first word that is not an env assignment. */
export function runnerLabel(command: string): string {
  for (const word of command.trim().split(/\s+/)) {
    if (word === 'env' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word) || word.startsWith('-')) continue;
    return path.basename(word.replace(/^["']|["']$/g, '')) || 'runner';
  }
  return 'runner';
}
