// Waits for a change in a directory, or at most `maxMs`. Used only to let a live
// writer finish; the caller re-reads the files either way. The watch itself lives in
// src/watch/ (the one place looop watches), loaded only when a wait actually happens,
// so a verb that never contends never parses the watcher.
import type { DirChangeOptions } from '../watch/dirWatch.ts';

export type { DirChangeOptions };

export async function waitForDirChange(dir: string, maxMs: number, options: DirChangeOptions = {}): Promise<void> {
  const { waitForDirChange: wait } = await import('../watch/dirWatch.ts');
  return wait(dir, maxMs, options);
}
