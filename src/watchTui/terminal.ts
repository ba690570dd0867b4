// The terminal watch draws on: alternate screen, hidden cursor, raw input, mouse reports. Whatever
// ends the process (q, Ctrl-C, SIGTERM, SIGHUP, an uncaught error) puts it back the
// same way, once, with synchronous writes so nothing is lost to an exit.
import { fs } from '../nodeFs.ts';

// Mouse: button presses and the wheel (1000), reported in SGR form (1006) so large
// coordinates survive; Shift-drag still selects text natively in most terminals.
const ENTER = '\x1b[?1049h\x1b[?25l\x1b[?1000h\x1b[?1006h\x1b[H\x1b[2J';
const RESTORE = '\x1b[?1006l\x1b[?1000l\x1b[0m\x1b[?25h\x1b[?1049l';

export interface Screen {
  readonly cols: () => number;
  readonly rows: () => number;
  draw(lines: readonly string[]): void;
  restore(): void;
}

function write(text: string): void {
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      return; // A terminal that went away: nothing left to draw on or restore.
    }
  }
}

export function openScreen(): Screen {
  const stdin = process.stdin;
  let restored = false;
  write(ENTER);
  stdin.setRawMode(true);
  return {
    cols: () => Math.max(1, process.stdout.columns || 80),
    rows: () => Math.max(1, process.stdout.rows || 24),
    draw(lines) {
      if (restored) return;
      // Home, then every row overwritten and its tail erased: no flicker from a full clear.
      write(`\x1b[H${lines.map((l) => `${l}\x1b[0m\x1b[K`).join('\r\n')}\x1b[J`);
    },
    restore() {
      if (restored) return;
      restored = true;
      write(RESTORE);
      try {
        stdin.setRawMode(false);
      } catch {
        // stdin already closed: the terminal's mode is the shell's to reset.
      }
    },
  };
}
