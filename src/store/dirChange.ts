// Waits for anything to change in a directory, or at most `maxMs`. Used only to
// let a live writer finish; the caller re-reads the files either way.
import type { FSWatcher } from 'node:fs';
import { fs } from '../nodeFs.ts';

export function waitForDirChange(dir: string, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    const done = (): void => {
      clearTimeout(timer);
      watcher?.close();
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    try {
      watcher = fs.watch(dir, { persistent: true }, done);
      watcher.on('error', done);
    } catch {
      // Cannot watch: the bounded timer alone re-checks.
    }
  });
}
