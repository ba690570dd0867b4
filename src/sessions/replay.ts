// The screen of a session whose host died without saving its final frame:
// output.log is streamed through a fresh emulator at the geometry recorded for
// each stretch of the log. Chunks are read one at a time and each write is
// awaited, so memory stays bounded whatever the log size.
import { fs } from '../nodeFs.ts';
import { renderFrame, type Frame } from './frame.ts';
import { readGeometry, type Geometry } from './sessionEvents.ts';
import type { SessionFiles } from './sessionKind.ts';
import { createTerminal, type EmulatedTerminal } from './xterm.ts';

const CHUNK = 1 << 20;

function writeChunk(emu: EmulatedTerminal, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => emu.term.write(chunk, resolve));
}

export async function replayFrame(files: SessionFiles, fallback: { cols: number; rows: number }, withCells: boolean): Promise<Frame> {
  const changes: Geometry[] = readGeometry(files.events);
  const first = changes[0] !== undefined && changes[0].offset === 0 ? changes.shift() : undefined;
  const emu = await createTerminal(first?.cols ?? fallback.cols, first?.rows ?? fallback.rows);
  let fd: number;
  try {
    fd = fs.openSync(files.output, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return renderFrame(emu, 0, withCells);
    throw e;
  }
  let offset = 0;
  try {
    for (;;) {
      const next = changes[0];
      if (next !== undefined && next.offset <= offset) {
        emu.term.resize(next.cols, next.rows);
        changes.shift();
        continue;
      }
      const want = next === undefined ? CHUNK : Math.min(CHUNK, next.offset - offset);
      // A fresh buffer per chunk: xterm may still hold the previous one until its callback.
      const chunk = Buffer.allocUnsafe(want);
      const n = fs.readSync(fd, chunk, 0, want, offset);
      if (n === 0) break;
      await writeChunk(emu, chunk.subarray(0, n));
      offset += n;
    }
    // A resize recorded exactly at the end still shapes the last frame.
    for (const g of changes) if (g.offset <= offset) emu.term.resize(g.cols, g.rows);
    return renderFrame(emu, offset, withCells);
  } finally {
    fs.closeSync(fd);
    emu.term.dispose();
  }
}
