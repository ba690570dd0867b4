// The normalized argv (after `_` and alias handling), for verbs such as `tell`
// whose dash-leading words are text rather than options.
let current: readonly string[] = [];

export function setArgv(argv: readonly string[]): void {
  current = argv;
}

/** Words after the verb and its first positional. */
export function wordsAfter(positionals: number): string[] {
  return current.slice(1 + positionals).filter((w) => w !== '--');
}

/**
 * Every raw value given for a string option (`--name v` or `--name=v`), in order.
 * cac's parser turns numeric-looking values into numbers ("007" → 7, "   " → 0), so
 * text options are read back from argv instead.
 */
export function optionValues(name: string): string[] {
  const flag = `--${name}`;
  const out: string[] = [];
  for (let i = 1; i < current.length; i++) {
    const w = current[i] ?? '';
    if (w === '--') break;
    if (w === flag && i + 1 < current.length) out.push(current[++i] ?? '');
    else if (w.startsWith(`${flag}=`)) out.push(w.slice(flag.length + 1));
  }
  return out;
}

/** The last raw value of a string option, or undefined. */
export function optionValue(name: string): string | undefined {
  const all = optionValues(name);
  return all[all.length - 1];
}
