// Terminal output as plain text, incrementally: UTF-8 is decoded with a streaming
// decoder (a character split across reads is completed by the next one) and
// escape sequences are removed by a state machine that survives chunk
// boundaries, so `log --follow` never prints half a sequence or a broken character.

type State = 'text' | 'cr' | 'esc' | 'escInter' | 'csi' | 'osc' | 'oscEsc' | 'str' | 'strEsc';

export class AnsiStripper {
  private readonly decoder = new TextDecoder('utf-8');
  private state: State = 'text';

  push(bytes: Uint8Array): string {
    return this.strip(this.decoder.decode(bytes, { stream: true }));
  }

  end(): string {
    const rest = this.strip(this.decoder.decode());
    const cr = this.state === 'cr' ? '\r' : '';
    this.state = 'text';
    return rest + cr;
  }

  private strip(s: string): string {
    let out = '';
    for (const ch of s) {
      const c = ch.codePointAt(0) ?? 0;
      switch (this.state) {
        case 'cr':
          // CR LF is a line end; a lone CR (a redraw) is kept.
          this.state = 'text';
          if (ch !== '\n') out += '\r';
          out += this.text(ch, c);
          break;
        case 'text':
          out += this.text(ch, c);
          break;
        case 'esc':
          if (ch === '[') this.state = 'csi';
          else if (ch === ']') this.state = 'osc';
          else if (ch === 'P' || ch === 'X' || ch === '^' || ch === '_') this.state = 'str';
          else if (c >= 0x20 && c <= 0x2f) this.state = 'escInter';
          else this.state = 'text';
          break;
        case 'escInter':
          if (!(c >= 0x20 && c <= 0x2f)) this.state = 'text';
          break;
        case 'csi':
          if (c >= 0x40 && c <= 0x7e) this.state = 'text';
          else if (c < 0x20 || c > 0x7e) this.state = 'text'; // malformed: give up on it
          break;
        case 'osc':
          if (c === 0x07) this.state = 'text';
          else if (c === 0x1b) this.state = 'oscEsc';
          break;
        case 'oscEsc':
          this.state = ch === '\\' ? 'text' : 'osc';
          break;
        case 'str':
          if (c === 0x1b) this.state = 'strEsc';
          break;
        case 'strEsc':
          this.state = ch === '\\' ? 'text' : 'str';
          break;
      }
    }
    return out;
  }

  private text(ch: string, c: number): string {
    if (c === 0x1b) {
      this.state = 'esc';
      return '';
    }
    if (c === 0x9b) {
      this.state = 'csi';
      return '';
    }
    if (c === 0x0d) {
      this.state = 'cr';
      return '';
    }
    if (ch === '\n' || ch === '\t') return ch;
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0)) return '';
    return ch;
  }
}

/** Whole-buffer convenience. */
export function stripAnsi(bytes: Uint8Array): string {
  const s = new AnsiStripper();
  return s.push(bytes) + s.end();
}
