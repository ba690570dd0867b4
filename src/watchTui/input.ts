// Keys and mouse to watch actions. watch is read-only: nothing typed ever reaches a session.
export type Key = 'quit' | 'up' | 'down' | 'toggle' | 'lineUp' | 'lineDown' | 'halfUp' | 'halfDown' | 'pageUp' | 'pageDown' | 'top' | 'live';

/** An SGR mouse report: 1-based cell coordinates, as the terminal sends them. */
export type Mouse = { readonly kind: 'wheel'; readonly by: -1 | 1; readonly x: number; readonly y: number } | { readonly kind: 'click'; readonly x: number; readonly y: number };

export type Input = Key | Mouse;

const SEQUENCES: ReadonlyArray<readonly [string, Key]> = [
  ['\x1b[A', 'up'],
  ['\x1bOA', 'up'],
  ['\x1b[B', 'down'],
  ['\x1bOB', 'down'],
  ['\x1b[5~', 'pageUp'],
  ['\x1b[6~', 'pageDown'],
  ['\x1b[H', 'top'],
  ['\x1bOH', 'top'],
  ['\x1b[1~', 'top'],
  ['\x1b[7~', 'top'],
  ['\x1b[F', 'live'],
  ['\x1bOF', 'live'],
  ['\x1b[4~', 'live'],
  ['\x1b[8~', 'live'],
];

const SINGLE: Readonly<Record<string, Key>> = {
  q: 'quit',
  Q: 'quit',
  '\x03': 'quit',
  k: 'up',
  j: 'down',
  a: 'toggle',
  '\t': 'toggle',
  '\x10': 'lineUp', // Ctrl-P
  '\x0e': 'lineDown', // Ctrl-N
  '\x15': 'halfUp', // Ctrl-U
  '\x04': 'halfDown', // Ctrl-D
  '\x02': 'pageUp', // Ctrl-B
  '\x06': 'pageDown', // Ctrl-F
  g: 'top',
  G: 'live',
};

const SGR_MOUSE = /^\x1b\[<(\d{1,4});(\d{1,5});(\d{1,5})([Mm])/;

function mouseOf(button: number, x: number, y: number, press: boolean): Mouse | null {
  // Bit 6 marks the wheel (low bits: 0 up, 1 down); bit 5 marks motion, which we ignore.
  if ((button & 64) !== 0) return (button & 3) <= 1 ? { kind: 'wheel', by: (button & 3) === 0 ? -1 : 1, x, y } : null;
  if (press && (button & 32) === 0 && (button & 3) === 0) return { kind: 'click', x, y };
  return null;
}

/** The actions in one chunk of terminal input, in order; anything else is ignored. */
export function keysOf(chunk: string): Input[] {
  const out: Input[] = [];
  let i = 0;
  while (i < chunk.length) {
    const m = SGR_MOUSE.exec(chunk.slice(i, i + 24));
    if (m !== null) {
      const ev = mouseOf(Number(m[1]), Number(m[2]), Number(m[3]), m[4] === 'M');
      if (ev !== null) out.push(ev);
      i += m[0].length;
      continue;
    }
    const seq = SEQUENCES.find(([s]) => chunk.startsWith(s, i));
    if (seq !== undefined) {
      out.push(seq[1]);
      i += seq[0].length;
      continue;
    }
    if (chunk[i] === '\x1b') {
      // An escape sequence we do not use (other mouse modes, function keys): skip it whole.
      const e = /^\x1b(\[[0-9;?<>]*[ -/]*[@-~]|O.|.)?/.exec(chunk.slice(i));
      i += Math.max(1, e?.[0].length ?? 1);
      continue;
    }
    const k = SINGLE[chunk[i] ?? ''];
    if (k !== undefined) out.push(k);
    i += 1;
  }
  return out;
}
