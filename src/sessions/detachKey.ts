// The attach detach chord: Ctrl-\ pressed twice. A single Ctrl-\ is held back and
// passed through with the next key, so programs still get it (e.g. SIGQUIT).

const CTRL_BACKSLASH = 0x1c;
// Kitty's keyboard protocol reports Ctrl-\ as CSI 92;5u.
const KITTY_CTRL_BACKSLASH = Buffer.from('\x1b[92;5u');

export const DETACH_HELP = 'Detach: press Ctrl-\\ twice (a single Ctrl-\\ followed by another key is passed through).';

export class DetachDetector {
  private held = false;

  /** Splits keyboard input into what to forward and whether the chord was completed. */
  feed(input: Buffer): { forward: Buffer; detach: boolean } {
    let data = input;
    for (let i = data.indexOf(KITTY_CTRL_BACKSLASH); i >= 0; i = data.indexOf(KITTY_CTRL_BACKSLASH)) {
      data = Buffer.concat([data.subarray(0, i), Buffer.from([CTRL_BACKSLASH]), data.subarray(i + KITTY_CTRL_BACKSLASH.length)]);
    }
    const out: number[] = [];
    for (const b of data) {
      if (b === CTRL_BACKSLASH) {
        if (this.held) return { forward: Buffer.from(out), detach: true };
        this.held = true;
        continue;
      }
      if (this.held) {
        out.push(CTRL_BACKSLASH);
        this.held = false;
      }
      out.push(b);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
