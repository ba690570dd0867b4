// Raw bytes to stdout (attach mirroring, `log --raw`): io.ts handles text, and a
// terminal transcript must reach the terminal byte for byte.
import { fs } from '../nodeFs.ts';

export function outBytes(buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw e;
    }
  }
}
