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
