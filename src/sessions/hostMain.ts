// Entry point of dist/host.cjs: `node host.cjs <data dir> <session id> [--standby]`,
// spawned detached by `worker start` with stdout/stderr on the session's host.log
// (a standby host gets them at `go`; see StandbyHost in hostProcess.ts).
// Like the CLI's main, this is a process boundary: it may write to its own log
// and exit; everything else lives in host.ts.
import { fs } from '../nodeFs.ts';
import { hasErrno } from '../errors.ts';
import { resolvePaths } from '../paths.ts';
import { prepareHost } from './host.ts';
import { selfIdentity } from '../proc/processIdentity.ts';
import { holdLease } from '../proc/lease.ts';
import { loadPty } from './ptyLoader.ts';
import { sessionFiles } from './sessionKind.ts';

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

/** Where log() writes: fd 2, which is host.log (a standby host's before `go` is /dev/null). */
let logFd = 2;
function log(message: string): void {
  fs.writeSync(logFd, `${new Date().toISOString()} host ${process.pid}: ${message}\n`);
}

/** Blocks (there is nothing else to do) until the CLI says `go` (true) or closes our stdin without it (false). */
function awaitGo(): boolean {
  const buf = Buffer.alloc(16);
  let said = '';
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (!hasErrno(e, 'EAGAIN')) return false;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5); // a non-blocking stdin: look again shortly
      continue;
    }
    if (n === 0) return false;
    said += buf.toString('latin1', 0, n);
    if (said.includes('\n') || said.length > 8) return said === 'go\n';
  }
}

/**
 * Points fds 1 and 2 (/dev/null on standby) at host.log, where a directly spawned host
 * has them, so even node's own fatal messages land there. Node has no dup2, but open()
 * takes the lowest free number, and nothing else in this process opens files meanwhile.
 */
function outputTo(file: string): void {
  const first = fs.openSync(file, 'a', 0o600); // fails before anything is closed
  logFd = first;
  for (const fd of [1, 2]) {
    fs.closeSync(fd);
    if (fs.openSync(file, 'a', 0o600) !== fd) return; // not expected; log() still reaches host.log
  }
  logFd = 2;
  fs.closeSync(first);
}

const args = process.argv.slice(2);
const standby = args.includes('--standby');
const [dataDirArg, idArg] = args.filter((a) => a !== '--standby');
if (dataDirArg === undefined || idArg === undefined) {
  log('usage: host.cjs <data dir> <session id> [--standby]');
  process.exit(2);
}
const dataDir = dataDirArg;
const id = idArg;
async function main(): Promise<number> {
  closeInheritedFds();
  process.title = `looop-host ${id}`;
  const paths = resolvePaths({ ...process.env, LOOOP_DATA_DIR: dataDir }, '/');
  if (standby) {
    // Load the PTY addon while the CLI is still working: the session needs it first.
    await loadPty();
    if (!awaitGo()) return 0;
    outputTo(sessionFiles(paths, id).hostLog);
    process.chdir(paths.dataDir);
  }
  const host = prepareHost(paths, id, log);
  if (typeof host === 'string') {
    log(host);
    return 1;
  }
  // Our lease exists before the record names us; it goes when this process exits.
  try {
    holdLease(paths.lockDir, selfIdentity());
  } catch (e) {
    log(`cannot write the host's lease (${String(e)}); judges in other PID namespaces will see this session as dead`);
  }
  // The host is in its own session, so these come only from someone who means it: end the child properly.
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(sig, () => {
      log(`${sig}: ending the session`);
      void host.kill().catch((e: unknown) => log(`kill failed: ${String(e)}`));
    });
  }
  return host.run();
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    log(`crashed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
