// `looop config bash|zsh|fish` prints a completion script generated from the verbs
// declared with cac; the hidden `looop _complete <kind>` lists live ids for it.
import type { CAC } from 'cac';
import { outRaw } from '../io.ts';
import { usage } from '../args.ts';

const USAGE = 'looop config bash|zsh|fish';

export function registerConfig(cli: CAC): void {
  cli
    .command('config <shell>', 'Print the shell completion script for bash, zsh or fish')
    .example('eval "$(looop config bash)"   # in ~/.bashrc')
    .example('eval "$(looop config zsh)"    # in ~/.zshrc, after compinit')
    .example('looop config fish | source    # in ~/.config/fish/config.fish')
    .action(async (shell: string) => {
      const { SHELLS, completionModel } = await import('../completions/model.ts');
      const known = SHELLS.find((s) => s === shell);
      if (known === undefined) throw usage(`config: no completion script for ${JSON.stringify(shell)} (bash, zsh or fish)`, USAGE);
      const { completionScript } = await import('../completions/scripts.ts');
      outRaw(completionScript(known, completionModel(cli)));
      return 0;
    });

  // Hidden (no description): called by the scripts on every Tab. Never an error, never a non-zero exit.
  cli.command('_complete [kind]', '').action(async (kind: string | undefined) => {
    try {
      const { ID_KINDS } = await import('../completions/model.ts');
      const k = ID_KINDS.find((x) => x === kind);
      if (k === undefined) return 0;
      const { liveIds } = await import('../completions/liveIds.ts');
      const ids = await liveIds(k, process.env, process.cwd());
      if (ids.length > 0) outRaw(`${ids.join('\n')}\n`);
    } catch {
      // Nothing to offer.
    }
    return 0;
  });
}
