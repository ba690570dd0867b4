// Waits for a change in a directory, or at most `maxMs`. Used only to let a live
// writer finish; the caller re-reads the files either way.
import type { FSWatcher } from 'node:fs';
import { fs } from '../nodeFs.ts';

export interface DirChangeOptions {
  /** Only changes to this entry count. */
  readonly name?: string;
  /** Resolve once this holds, checked after the watch is armed and on each counted change. */
  readonly until?: () => boolean;
}

export function waitForDirChange(dir: string, maxMs: number, options: DirChangeOptions = {}): Promise<void> {
  const { name, until } = options;
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    const done = (): void => {
      clearTimeout(timer);
      watcher?.close();
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    try {
      watcher = fs.watch(dir, { persistent: true }, (_event, changed) => {
        if (name !== undefined && changed !== null && String(changed) !== name) return;
        if (until === undefined || until()) done();
      });
      watcher.on('error', done);
    } catch {
      // Cannot watch: the bounded timer alone re-checks.
    }
    // Checked after the watch is armed, so a change in between is not missed.
    if (until?.() === true) done();
  });
}
