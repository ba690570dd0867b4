// The real terminal behind `attach`: raw mode on stdin, bytes to stdout, resize
// events. A signal that ends the process still puts the terminal back.
import type { TerminalPort } from '../commands/attach.ts';
import { LooopError } from '../errors.ts';
import { outBytes } from './bytesOut.ts';

const RESTORE = '\x1b[0m\x1b[?25h\x1b[?1049l';

export function terminalPort(id: string): { port: TerminalPort; close: () => void } {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdin.isTTY || !stdout.isTTY) {
    throw new LooopError('USAGE', `attach ${id}: needs a terminal on stdin and stdout`, { hint: `for a non-interactive look use: looop screenshot ${id}` });
  }
  let raw = false;
  const onSignal = (): void => {
    if (raw) {
      outBytes(Buffer.from(RESTORE));
      stdin.setRawMode(false);
    }
    process.exit(130);
  };
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  const port: TerminalPort = {
    write: (d) => outBytes(typeof d === 'string' ? Buffer.from(d) : d),
    size: () => ({ cols: Math.max(1, stdout.columns || 80), rows: Math.max(1, stdout.rows || 24) }),
    setRaw: (on) => {
      raw = on;
      stdin.setRawMode(on);
      if (on) stdin.resume();
      else stdin.pause();
    },
    onInput: (cb) => {
      stdin.on('data', cb);
      return () => stdin.off('data', cb);
    },
    onResize: (cb) => {
      stdout.on('resize', cb);
      return () => stdout.off('resize', cb);
    },
  };
  const close = (): void => {
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
  };
  return { port, close };
}
