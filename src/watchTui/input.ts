// Keys to watch actions. watch is read-only: nothing typed ever reaches a session.
export type Key = 'quit' | 'up' | 'down' | 'toggle';

const SEQUENCES: ReadonlyArray<readonly [string, Key]> = [
  ['\x1b[A', 'up'],
  ['\x1bOA', 'up'],
  ['\x1b[B', 'down'],
  ['\x1bOB', 'down'],
];

const SINGLE: Readonly<Record<string, Key>> = {
  q: 'quit',
  Q: 'quit',
  '\x03': 'quit',
  k: 'up',
  j: 'down',
  a: 'toggle',
  '\t': 'toggle',
};

/** The actions in one chunk of terminal input, in order; anything else is ignored. */
export function keysOf(chunk: string): Key[] {
  const out: Key[] = [];
  let i = 0;
  while (i < chunk.length) {
    const seq = SEQUENCES.find(([s]) => chunk.startsWith(s, i));
    if (seq !== undefined) {
      out.push(seq[1]);
      i += seq[0].length;
      continue;
    }
    if (chunk[i] === '\x1b') {
      // An escape sequence we do not use (mouse, function keys): skip it whole.
      const m = /^\x1b(\[[0-9;?<>]*[ -/]*[@-~]|O.|.)?/.exec(chunk.slice(i));
      i += Math.max(1, m?.[0].length ?? 1);
      continue;
    }
    const k = SINGLE[chunk[i] ?? ''];
    if (k !== undefined) out.push(k);
    i += 1;
  }
  return out;
}
