// The interactive face of `looop init`, drawn by @clack/prompts (loaded only here):
// show what is configured now and ask before replacing it, pick a runner, edit its two
// commands (the worker's must name {{prompt_file}}; the prompt says so and stays until
// it does), confirm. Esc or Ctrl-C at any question, or a "no", ends with nothing written.
import type { CurrentConfig, InitPlan } from '../commands/init.ts';
import { backupPath } from '../commands/init.ts';
import { neutralize, neutralizeLines } from '../terminalText.ts';
import { PRESETS, PRESET_NAMES, PROMPT_PLACEHOLDER, presetOf, tickCommandProblem, workerCommandProblem, type RunnerChoice, type Wiring } from './presets.ts';

export type WizardResult = { readonly kind: 'abort' } | { readonly kind: 'plan'; readonly plan: InitPlan };

const HINTS: Readonly<Record<RunnerChoice, string>> = {
  claude: 'Claude Code',
  codex: 'OpenAI Codex CLI',
  opencode: 'opencode',
  pi: 'pi',
  custom: 'type your own two commands',
};

/** At most this many lines of an existing config are shown. */
const SHOWN_LINES = 16;

function shown(text: string): string {
  const lines = neutralizeLines(text.replace(/\n$/, '')).split('\n');
  return lines.length <= SHOWN_LINES ? lines.join('\n') : [...lines.slice(0, SHOWN_LINES), `… (${lines.length - SHOWN_LINES} more lines)`].join('\n');
}

export async function runWizard(configPath: string, current: CurrentConfig, opts: { readonly force: boolean }): Promise<WizardResult> {
  const p = await import('@clack/prompts');
  const abort: WizardResult = { kind: 'abort' };
  p.intro('looop init — choose the agent runner');

  if (current.kind !== 'absent' && !opts.force) {
    const title = current.kind === 'broken' ? `${neutralize(configPath)} (${neutralize(current.problem)})` : neutralize(configPath);
    p.note(shown(current.text), title);
    const replace = await p.confirm({ message: `Replace it? (the old one is kept as ${neutralize(backupPath(configPath))})`, initialValue: false });
    if (p.isCancel(replace) || !replace) return abort;
  }

  const now: Wiring | null = current.kind === 'object' ? current.wiring : null;
  const initialRunner: RunnerChoice = now === null ? 'claude' : (presetOf(now) ?? 'custom');
  const runner = await p.select<RunnerChoice>({
    message: 'Which agent runs the loop?',
    options: [...PRESET_NAMES, 'custom' as const].map((value) => ({ value, label: value, hint: HINTS[value] })),
    initialValue: initialRunner,
  });
  if (p.isCancel(runner)) return abort;

  const start: Wiring = runner === 'custom' ? (now ?? { tick: '', worker: '' }) : PRESETS[runner];
  const tick = await p.text({
    message: 'Tick command (makes one decision, then exits)',
    initialValue: start.tick,
    placeholder: 'e.g. mytool --decide',
    validate: (v) => tickCommandProblem(v ?? '') ?? undefined,
  });
  if (p.isCancel(tick)) return abort;

  const worker = await p.text({
    message: `Worker command (the interactive agent; needs ${PROMPT_PLACEHOLDER})`,
    initialValue: start.worker,
    placeholder: `e.g. mytool "$(cat ${PROMPT_PLACEHOLDER})"`,
    validate: (v) => {
      const problem = workerCommandProblem(v ?? '');
      return problem === null ? undefined : `${problem} — please add it`;
    },
  });
  if (p.isCancel(worker)) return abort;

  const wiring: Wiring = { tick: tick.trim(), worker: worker.trim() };
  p.note(`tick:   ${neutralize(wiring.tick)}\nworker: ${neutralize(wiring.worker)}`, `runner: ${runner}`);
  const ok = await p.confirm({ message: `Write ${neutralize(configPath)}?`, initialValue: true });
  if (p.isCancel(ok) || !ok) return abort;
  return { kind: 'plan', plan: { runner, wiring } };
}
