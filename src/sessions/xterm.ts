// @xterm/headless costs ~30 ms to import and ~8 MB of RSS, so it is loaded only
// when a screen is first needed (the host's first output chunk, a replay).
import type { Terminal } from '@xterm/headless';

export type HeadlessTerminal = Terminal;

export interface EmulatedTerminal {
  readonly term: HeadlessTerminal;
  /** DECTCEM is not in xterm's public API, so the host tracks it from the parser. */
  cursorHidden(): boolean;
}

/** A headless terminal with Unicode 11 widths (emoji and CJK take two cells) and no scrollback. */
export async function createTerminal(cols: number, rows: number): Promise<EmulatedTerminal> {
  const xterm = await import('@xterm/headless');
  const uni = await import('@xterm/addon-unicode11');
  // esbuild hands CommonJS modules back as a namespace with the exports under `default`.
  const TerminalCtor = (xterm.Terminal ?? (xterm as unknown as { default: typeof xterm }).default.Terminal);
  const AddonCtor = (uni.Unicode11Addon ?? (uni as unknown as { default: typeof uni }).default.Unicode11Addon);
  const term = new TerminalCtor({ cols, rows, scrollback: 0, allowProposedApi: true });
  term.loadAddon(new AddonCtor());
  term.unicode.activeVersion = '11';
  let hidden = false;
  const decset = (params: (number | number[])[], on: boolean): boolean => {
    if (params.includes(25)) hidden = !on;
    return false; // let xterm handle the mode as well
  };
  term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, (p) => decset(p, true));
  term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (p) => decset(p, false));
  term.parser.registerEscHandler({ final: 'c' }, () => {
    hidden = false;
    return false;
  });
  return { term, cursorHidden: () => hidden };
}

/** Resolves once everything written so far has been parsed. */
export function parsed(term: HeadlessTerminal): Promise<void> {
  return new Promise((resolve) => term.write('', resolve));
}
