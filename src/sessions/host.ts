// The session host: one detached process per session, the only writer of the
// session's record once it runs. It owns the PTY child, appends every output byte
// to output.log, keeps the emulated screen, serves inbox requests one at a time
// in name order, and at exit saves the final screen before the final record.
import { fs } from '../nodeFs.ts';
import type { SessionContext, SessionEvent } from '../../machines/sessionTypes.ts';
import type { Paths } from '../paths.ts';
import { identityOf, selfIdentity } from '../proc/processIdentity.ts';
import { readEntity, type Envelope } from '../store/envelope.ts';
import { updateEntity } from '../store/entityStore.ts';
import { writeAtomic } from '../store/fsio.ts';
import type { DirWatch } from '../watch/dirWatch.ts';
import { childEnv, signalName } from './childEnv.ts';
import { MarkerScanner, drainAnswer, drainMarker, leaderScript } from './drainMarker.ts';
import type { Frame } from './frame.ts';
import { killGroup, type GroupKillOutcome } from './groupKill.ts';
import { HostRequests } from './hostRequests.ts';
import { ensureMailDirs } from './inbox.ts';
import { LiveScreen } from './liveScreen.ts';
import { loadPty, type Pty } from './ptyLoader.ts';
import { SESSION_ENTITY } from './sessionEntity.ts';
import { appendEvent } from './sessionEvents.ts';
import { SESSION_KIND, sessionFiles, type SessionFiles } from './sessionKind.ts';

export type HostLog = (message: string) => void;

interface ChildExit {
  readonly code: number | null;
  readonly signal: string | null;
}

const now = (): Date => new Date();

/** Unguessable hex from the kernel; node:crypto would add its whole module graph to the host's start-up. */
function kernelRandomHex(bytes: number): string {
  const buf = Buffer.alloc(bytes);
  const fd = fs.openSync('/dev/urandom', 'r');
  try {
    fs.readSync(fd, buf, 0, bytes, null);
  } finally {
    fs.closeSync(fd);
  }
  return buf.toString('hex');
}

export class Host {
  readonly files: SessionFiles;
  private pty: Pty | null = null;
  private outFd = -1;
  /** Bytes appended to output.log. */
  bytes = 0;
  readonly screen: LiveScreen;
  private readonly nonce = kernelRandomHex(9);
  private readonly scanner = new MarkerScanner(drainMarker(this.nonce));
  private exitInfo: ChildExit | null = null;
  private resolveExit: (e: ChildExit) => void = () => {};
  readonly childExit = new Promise<ChildExit>((r) => (this.resolveExit = r));
  private finalScreen: Promise<void> | null = null;
  private markSpawned: () => void = () => {};
  /** Settles once the spawn was attempted, so a kill that arrives during start-up waits for it. */
  private readonly spawned = new Promise<void>((r) => (this.markSpawned = r));
  private killing: Promise<GroupKillOutcome> | null = null;
  private resolveRecorded: () => void = () => {};
  /** Resolves once the final state is published (a kill reply must not come earlier). */
  readonly recorded = new Promise<void>((r) => (this.resolveRecorded = r));
  private watch: DirWatch | null = null;
  readonly requests: HostRequests;

  constructor(
    paths: Paths,
    private readonly ctx: SessionContext,
    readonly log: HostLog,
  ) {
    this.files = sessionFiles(paths, ctx.id);
    this.screen = new LiveScreen(ctx.cols, ctx.rows, { pause: () => this.pty?.pause(), resume: () => this.pty?.resume() });
    this.requests = new HostRequests(this);
  }

  get childPid(): number {
    return this.pty?.pid ?? 0;
  }

  get ended(): boolean {
    return this.exitInfo !== null || this.killing !== null;
  }

  /** The child exited on its own (not through a kill). */
  get exitedOnItsOwn(): boolean {
    return this.exitInfo !== null && this.killing === null;
  }

  /** Runs the session to its end; resolves with the host's exit code. */
  async run(): Promise<number> {
    ensureMailDirs(this.files);
    this.outFd = fs.openSync(this.files.output, 'a', 0o600);
    const failure = await this.spawn();
    this.markSpawned();
    if (failure !== null) {
      await this.record(() => [{ type: 'SPAWN_FAILED', reason: failure, at: now().toISOString() }]);
      this.log(`spawn failed: ${failure}`);
      return 1;
    }
    const pty = this.pty as Pty;
    const child = identityOf(pty.pid);
    // A power cut ends the child too, so `running` needs no fsync before readers may see it.
    const running = await this.record(
      (cur) => (cur.state === 'starting' ? [{ type: 'SPAWNED', host: selfIdentity(), child: { pid: pty.pid, pgid: pty.pid, start: child?.start ?? null }, at: now().toISOString() }] : []),
      true,
    );
    if (running !== 'running') {
      // Someone finished the record while we started (a kill of a starting session): honour it.
      this.log(`record is ${running} before the child ran; ending it`);
      await this.kill();
    } else {
      appendEvent(this.files.events, { t: 'spawn', offset: 0, cols: this.ctx.cols, rows: this.ctx.rows, at: now().toISOString(), pid: pty.pid });
      // Loaded only now (its own bundle): chokidar is not needed to get the child running.
      const { openDirWatch } = await import('../watch/dirWatch.ts');
      this.watch = await openDirWatch([this.files.inboxNew], { env: process.env, onFallback: this.log, rescanMs: 5000 });
      void this.serveInbox(this.watch);
    }
    const exit = await this.childExit;
    try {
      await this.recordEnd(exit);
    } catch (e) {
      if (fs.existsSync(this.files.dir)) throw e;
      this.log('the session directory was removed; ended without a final record');
    }
    this.resolveRecorded();
    await this.requests.idle();
    await this.watch?.close();
    this.requests.refuseLeftovers();
    fs.closeSync(this.outFd);
    this.screen.dispose();
    return 0;
  }

  /**
   * The final screen and event first, then the final state: a reader who sees the end
   * can also see the frame, and may remove the directory (a reap) without racing our writes.
   */
  private async recordEnd(exit: ChildExit): Promise<void> {
    await this.saveFinalScreen();
    if (this.killing !== null) {
      const k = await this.killing;
      appendEvent(this.files.events, { t: 'kill', offset: this.bytes, at: now().toISOString(), escalated: k.escalated });
      await this.record((cur) => (cur.state === 'starting' || cur.state === 'running' || cur.state === 'dead' ? [{ type: 'KILLED', signal: k.signal, escalated: k.escalated, at: now().toISOString() }] : []));
    } else {
      appendEvent(this.files.events, { t: 'exit', offset: this.bytes, at: now().toISOString(), code: exit.code, signal: exit.signal });
      await this.record((cur) => (cur.state === 'running' ? [{ type: 'EXITED', code: exit.code, signal: exit.signal, at: now().toISOString() }] : []));
    }
  }

  private async spawn(): Promise<string | null> {
    try {
      if (!fs.statSync(this.ctx.cwd).isDirectory()) return `cwd ${this.ctx.cwd} is not a directory`;
    } catch (e) {
      return `cwd ${this.ctx.cwd}: ${(e as Error).message}`;
    }
    const loaded = await loadPty();
    if (!loaded.ok) return loaded.problem;
    if (loaded.skipped.length > 0) this.log(`PTY from ${loaded.from} (${loaded.skipped.join('; ')})`);
    try {
      this.pty = loaded.pty.spawn('bash', ['-c', leaderScript(this.nonce, this.ctx.command)], {
        name: 'xterm-256color',
        cols: this.ctx.cols,
        rows: this.ctx.rows,
        cwd: this.ctx.cwd,
        env: childEnv(process.env),
        encoding: null,
      });
    } catch (e) {
      return (e as Error).message;
    }
    this.screen.onReply((d) => {
      if (!this.requests.humanAttached()) this.write(d);
    });
    this.pty.onData((chunk) => this.output(chunk as unknown as Buffer));
    this.pty.onExit(({ exitCode, signal }) => {
      const sig = signalName(signal);
      this.exitInfo = { code: sig === null ? exitCode : null, signal: sig };
      this.resolveExit(this.exitInfo);
    });
    return null;
  }

  private output(chunk: Buffer): void {
    const { data, found } = this.scanner.push(chunk);
    this.append(data);
    // The leader waits for this answer before it exits, so nothing before the marker is lost.
    if (found > 0) this.write(drainAnswer(this.nonce));
  }

  private append(data: Buffer): void {
    if (data.length === 0) return;
    let off = 0;
    while (off < data.length) off += fs.writeSync(this.outFd, data, off);
    this.bytes += data.length;
    this.screen.write(data);
  }

  /** Keystrokes into the PTY; false once the child is gone. */
  write(data: string | Buffer): boolean {
    if (this.pty === null || this.exitInfo !== null) return false;
    this.pty.write(data);
    return true;
  }

  resize(cols: number, rows: number): void {
    this.pty?.resize(cols, rows);
    this.screen.resize(cols, rows);
    appendEvent(this.files.events, { t: 'resize', offset: this.bytes, cols, rows, at: now().toISOString() });
  }

  async recordResize(cols: number, rows: number): Promise<void> {
    await this.record((cur) => (cur.state === 'running' ? [{ type: 'RESIZED', cols, rows }] : []));
  }

  /** Ends the whole process group; idempotent (a second kill waits for the first). */
  kill(graceMs?: number): Promise<GroupKillOutcome> {
    this.killing ??= (async () => {
      await this.spawned;
      const pgid = this.pty?.pid ?? 0;
      if (pgid === 0) return { signal: 'SIGHUP' as const, escalated: false, confirmed: true };
      const outcome = await killGroup(pgid, { graceMs, leaderExit: this.childExit });
      if (!outcome.confirmed) this.log(`kill: process group ${pgid} still has members after SIGKILL`);
      // node-pty reports the exit only once the PTY closes; every member is gone, so it closes now.
      await this.childExit;
      await this.saveFinalScreen();
      return outcome;
    })();
    return this.killing;
  }

  async frame(withCells: boolean): Promise<Frame> {
    return this.screen.frame(withCells);
  }

  private saveFinalScreen(): Promise<void> {
    this.finalScreen ??= (async () => {
      this.append(this.scanner.flush());
      const frame = await this.screen.frame(true);
      writeAtomic(this.files.screenFinal, `${JSON.stringify({ v: 1, at: now().toISOString(), ...frame })}\n`);
    })();
    return this.finalScreen;
  }

  private async serveInbox(watch: DirWatch): Promise<void> {
    this.requests.drain();
    while (!this.requests.closed) {
      await watch.next();
      // A session whose directory was deleted has no mailbox and no record: end it rather than orphan it.
      if (!fs.existsSync(this.files.record)) {
        this.log('the session record was removed; ending the session');
        void this.kill().catch(() => undefined);
        return;
      }
      this.requests.drain();
    }
  }

  /** `visibleFirst` for `running`: readers (the waiting `worker start`) see it before the fsyncs. */
  private async record(decide: (env: Envelope<SessionContext>) => readonly SessionEvent[], visibleFirst = false): Promise<string> {
    const r = await updateEntity(this.files.record, SESSION_ENTITY, decide, now, { visibleFirst });
    if (r.kind === 'updated' || r.kind === 'unchanged') return r.envelope.state;
    this.log(`cannot update ${this.files.record}: ${r.kind === 'invalid' ? r.problem : 'record vanished'}`);
    return r.kind;
  }
}

/** The host for session `id`, or why there is none (its record is not waiting for a host). */
export function prepareHost(paths: Paths, id: string, log: HostLog): Host | string {
  const files = sessionFiles(paths, id);
  const r = readEntity(files.record, SESSION_KIND);
  if (r.kind !== 'ok') return `no usable record at ${files.record} (${r.kind === 'invalid' ? r.problem : 'absent'})`;
  if (r.envelope.state !== 'starting' || r.envelope.context.host !== null) {
    return `session ${id} is ${r.envelope.state}; another host owns it or it is over`;
  }
  return new Host(paths, r.envelope.context, log);
}
