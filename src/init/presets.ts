// The runner presets `looop init` offers: the same wiring the README shows for each
// agent CLI (reference §10.1), plus `custom` for any command a person types.
import { LooopError } from '../errors.ts';

export const PRESET_NAMES = ['claude', 'codex', 'opencode', 'pi'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
export type RunnerChoice = PresetName | 'custom';
export const RUNNER_CHOICES: readonly RunnerChoice[] = [...PRESET_NAMES, 'custom'];

export interface Wiring {
  readonly tick: string;
  readonly worker: string;
}

export const PRESETS: Readonly<Record<PresetName, Wiring>> = {
  claude: {
    tick: 'claude -p --output-format stream-json --verbose --dangerously-skip-permissions --model sonnet',
    worker: 'claude --dangerously-skip-permissions --model opus "$(cat {{prompt_file}})"',
  },
  codex: {
    tick: 'codex exec --json --dangerously-bypass-approvals-and-sandbox "$(cat {{prompt_file}})"',
    worker: 'codex --dangerously-bypass-approvals-and-sandbox "$(cat {{prompt_file}})"',
  },
  opencode: {
    tick: 'opencode run "$(cat {{prompt_file}})"',
    worker: 'opencode "$(cat {{prompt_file}})"',
  },
  pi: {
    tick: 'pi -p --mode json -ne --model claude-sonnet-4-5 --thinking low @{{prompt_file}}',
    worker: 'pi --model claude-opus-4-8 --thinking medium @{{prompt_file}}',
  },
};

/** The interval a fresh config gets, as in the README's examples. */
export const PRESET_INTERVAL_S = 60;

export const PROMPT_PLACEHOLDER = '{{prompt_file}}';

export function isRunnerChoice(s: string): s is RunnerChoice {
  return (RUNNER_CHOICES as readonly string[]).includes(s);
}

/** The preset whose tick and worker commands both match exactly, or null. */
export function presetOf(w: Wiring): PresetName | null {
  return PRESET_NAMES.find((n) => PRESETS[n].tick === w.tick.trim() && PRESETS[n].worker === w.worker.trim()) ?? null;
}

/** Why a worker command cannot be used, or null when it can. */
export function workerCommandProblem(cmd: string): string | null {
  if (cmd.trim() === '') return 'the worker command is empty';
  if (!cmd.includes(PROMPT_PLACEHOLDER)) return `the worker command must contain ${PROMPT_PLACEHOLDER} (looop puts the path of the worker's brief there)`;
  return null;
}

/** Why a tick command cannot be used, or null when it can. */
export function tickCommandProblem(cmd: string): string | null {
  return cmd.trim() === '' ? 'the tick command is empty' : null;
}

/** Throws the one-line refusal for an unusable pair. */
export function checkWiring(w: Wiring): void {
  const problem = tickCommandProblem(w.tick) ?? workerCommandProblem(w.worker);
  if (problem !== null) throw new LooopError('USAGE', `${problem}: ${JSON.stringify(problem.startsWith('the tick') ? w.tick : w.worker)}`, { hint: `e.g. --worker-command '${PRESETS.claude.worker}'` });
}
