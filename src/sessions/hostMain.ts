// Entry point of dist/host.cjs: `node host.cjs <data dir> <session id>`, spawned
// detached by `worker start` with stdout/stderr on the session's host.log.
// Like the CLI's main, this is a process boundary: it may write to its own log
// and exit; everything else lives in host.ts.
import { fs } from '../nodeFs.ts';
import { resolvePaths } from '../paths.ts';
import { prepareHost } from './host.ts';

/**
 * Closes descriptors inherited without close-on-exec (a caller's pipe, an fd a shell
 * leaked): they would keep `$(looop worker start …)` open for the worker's lifetime
 * and leak into the child, since node-pty's fork closes nothing.
 */
function closeInheritedFds(): void {
  let fds: string[];
  try {
    fds = fs.readdirSync('/proc/self/fd');
  } catch {
    return;
  }
  for (const name of fds) {
    const fd = Number(name);
    if (!Number.isInteger(fd) || fd <= 2) continue;
    try {
      const flags = /flags:\s+([0-7]+)/.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
      if (flags !== undefined && (parseInt(flags, 8) & 0o2000000) === 0) fs.closeSync(fd);
    } catch {
      // the fd was the directory listing itself, or is already gone
    }
  }
}

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString()} host ${process.pid}: ${message}\n`);
}

const [dataDir, id] = process.argv.slice(2);
if (dataDir === undefined || id === undefined) {
  log('usage: host.cjs <data dir> <session id>');
  process.exit(2);
}
closeInheritedFds();
process.title = `looop-host ${id}`;
const paths = resolvePaths({ ...process.env, LOOOP_DATA_DIR: dataDir }, '/');
const host = prepareHost(paths, id, log);
if (typeof host === 'string') {
  log(host);
  process.exit(1);
}
// The host is in its own session, so these come only from someone who means it: end the child properly.
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
  process.on(sig, () => {
    log(`${sig}: ending the session`);
    void host.kill().catch((e: unknown) => log(`kill failed: ${String(e)}`));
  });
}
host.run().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
