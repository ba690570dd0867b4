// Spawning a session host: `node dist/host.cjs <data dir> <id>`, detached (its own
// session, so it outlives the terminal that started it). Its own small module so the
// CLI can spawn a standby host before it loads the rest of `worker start`.
import { spawn, type ChildProcess } from 'node:child_process';
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { Ctx } from '../context.ts';

/**
 * One V8 worker thread keeps an idle host near 54 MB RSS (~59 MB after a 50 MB flood).
 * No V8 heap flags: any of them (even --max-semi-space-size) makes node reject its
 * built-in code cache, and compiling tty/net from source slowed every start by ~5 ms.
 */
const DEFAULT_HOST_NODE_FLAGS = '--v8-pool-size=1';

function hostArgs(ctx: Ctx, id: string): string[] {
  const flags = (ctx.env.LOOOP_HOST_NODE_FLAGS ?? DEFAULT_HOST_NODE_FLAGS).split(' ').filter((f) => f !== '');
  return [...flags, path.resolve(path.dirname(ctx.bin), '..', 'dist', 'host.cjs'), ctx.paths.dataDir, id];
}

/** A host with its output on `hostLog`, for a session whose record already exists. */
export function spawnHost(ctx: Ctx, id: string, hostLog: string): ChildProcess {
  const logFd = fs.openSync(hostLog, 'a', 0o600);
  try {
    return spawn(process.execPath, hostArgs(ctx, id), { detached: true, stdio: ['ignore', logFd, logFd], cwd: ctx.paths.dataDir, env: process.env });
  } finally {
    fs.closeSync(logFd);
  }
}

/**
 * A host spawned before `worker start` checks and writes anything, so that its node
 * boots while the CLI works: two node start-ups in a row were most of a start's
 * latency. It loads its code and the PTY addon, touches nothing, and waits on its
 * stdin: `go` hands it the session (claimed, its record created by then); end of
 * input (the start was refused, or the CLI died) makes it exit. See hostMain.ts.
 */
export class StandbyHost {
  private readonly child: ChildProcess;
  private handedOver = false;

  constructor(ctx: Ctx, id: string) {
    this.child = spawn(process.execPath, [...hostArgs(ctx, id), '--standby'], {
      detached: true,
      // /dev/null until `go`, when the host points fds 1 and 2 at its host.log.
      stdio: ['pipe', 'ignore', 'ignore'],
      // Not the data dir: it may not exist yet, and a refused start creates nothing.
      cwd: '/',
      env: process.env,
    });
    this.child.once('error', () => undefined);
    this.child.stdin?.on('error', () => undefined); // EPIPE: it died first (go() then says so)
  }

  /** Hands the session over; null when this host is already gone (spawn one with spawnHost). */
  go(): ChildProcess | null {
    const c = this.child;
    if (this.handedOver || c.pid === undefined || c.exitCode !== null || c.signalCode !== null || c.stdin === null) return null;
    this.handedOver = true;
    c.stdin.end('go\n');
    return c;
  }

  /** An unused host exits at end of input; either way it never keeps this process alive. */
  release(): void {
    if (!this.handedOver) this.child.stdin?.end();
    this.child.unref();
  }
}
