// The screen of a session that has ended: the frame its host saved at exit, or,
// when the host died without one, a replay of output.log.
import { readIfExists } from '../store/fsio.ts';
import type { Frame } from './frame.ts';
import { replayFrame } from './replay.ts';
import type { SessionFiles } from './sessionKind.ts';

export function isFrame(o: unknown): o is Frame {
  if (typeof o !== 'object' || o === null) return false;
  const f = o as Record<string, unknown>;
  return typeof f.cols === 'number' && typeof f.rows === 'number' && Array.isArray(f.lines) && Array.isArray(f.ansi) && typeof f.cursor === 'object';
}

function savedFrame(file: string): Frame | null {
  const bytes = readIfExists(file);
  if (bytes === null) return null;
  try {
    const o: unknown = JSON.parse(bytes.toString('utf8'));
    return isFrame(o) ? o : null;
  } catch {
    return null; // a torn or hand-edited frame: the replay is the truth
  }
}

export async function endedFrame(files: SessionFiles, geometry: { cols: number; rows: number }, withCells: boolean): Promise<{ frame: Frame; source: 'final' | 'replay' }> {
  const saved = savedFrame(files.screenFinal);
  if (saved !== null) return { frame: saved, source: 'final' };
  return { frame: await replayFrame(files, geometry, withCells), source: 'replay' };
}
