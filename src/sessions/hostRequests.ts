// The host's side of the inbox: a single-flight drain that takes requests in name
// order, one at a time, and answers each through the outbox. Watch events only
// mean "look again"; the sorted listing decides the order.
import { LooopError } from '../errors.ts';
import { isAlive, type ProcessIdentity } from '../proc/processIdentity.ts';
import type { Host } from './host.ts';
import { pendingRequests, publishReply, sweepReplies, takeRequest, type Reply, type Request } from './inbox.ts';

const MAX_SIZE = 1000;
const SWEEP_EVERY_MS = 60_000;

function size(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_SIZE) throw new Error(`${what} must be an integer 1..${MAX_SIZE}`);
  return n;
}

export class HostRequests {
  closed = false;
  private running: Promise<void> | null = null;
  private again = false;
  private attachers: ProcessIdentity[] = [];
  private lastSweep = 0;
  private readonly uid = typeof process.getuid === 'function' ? process.getuid() : null;

  constructor(private readonly host: Host) {}

  /** Starts a drain, or asks the running one to look again when it is done. */
  drain(): void {
    if (this.closed) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
  }

  /** Stops taking requests and resolves when the one in hand is answered. */
  async idle(): Promise<void> {
    this.closed = true;
    while (this.running !== null) await this.running;
  }

  /** A human's terminal answers terminal queries itself while attached. */
  humanAttached(): boolean {
    this.attachers = this.attachers.filter((a) => isAlive(a));
    return this.attachers.length > 0;
  }

  /** Answers whatever is still queued once the session is over. */
  refuseLeftovers(): void {
    for (const name of pendingRequests(this.host.files)) {
      const t = takeRequest(this.host.files, name, this.uid);
      if (t.kind === 'ok' && t.request.reply === false) continue;
      if (t.kind !== 'gone') publishReply(this.host.files, name, { v: 1, ok: false, error: 'session ended' });
    }
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      for (const name of pendingRequests(this.host.files)) {
        if (this.closed) return;
        await this.handle(name);
      }
    } while (this.again && !this.closed);
    const now = Date.now();
    if (now - this.lastSweep > SWEEP_EVERY_MS) {
      this.lastSweep = now;
      sweepReplies(this.host.files, now);
    }
  }

  private async handle(name: string): Promise<void> {
    const t = takeRequest(this.host.files, name, this.uid);
    if (t.kind === 'gone') return;
    if (t.kind === 'bad') {
      this.host.log(`inbox: ignored ${name}: ${t.why}`);
      publishReply(this.host.files, name, { v: 1, ok: false, error: `bad request: ${t.why}` });
      return;
    }
    let reply: Reply;
    try {
      reply = { v: 1, ok: true, data: await this.dispatch(t.request) };
    } catch (e) {
      reply = { v: 1, ok: false, error: (e as Error).message };
    }
    if (t.request.reply === false) return;
    try {
      publishReply(this.host.files, name, reply);
    } catch (e) {
      this.host.log(`cannot reply to ${name}: ${(e as Error).message}`);
    }
  }

  private async dispatch(req: Request): Promise<unknown> {
    const host = this.host;
    switch (req.op) {
      case 'send': {
        if (typeof req.text !== 'string') throw new Error('send needs text');
        const offset = host.bytes;
        if (!host.write(req.text + (req.newline === false ? '' : '\r'))) throw new Error('session ended');
        return { offset };
      }
      case 'input': {
        if (typeof req.b64 !== 'string') throw new Error('input needs b64');
        if (!host.write(Buffer.from(req.b64, 'base64'))) throw new Error('session ended');
        return { offset: host.bytes };
      }
      case 'resize': {
        const cols = size(req.cols, 'cols');
        const rows = size(req.rows, 'rows');
        if (host.ended) throw new Error('session ended');
        host.resize(cols, rows);
        await host.recordResize(cols, rows);
        return { cols, rows };
      }
      case 'screenshot':
        return host.frame(req.detail === 'full');
      case 'kill': {
        if (host.exitedOnItsOwn) throw new Error('session already ended');
        const k = await host.kill(typeof req.graceMs === 'number' ? req.graceMs : undefined);
        await host.recorded;
        return { killed: true, confirmed: k.confirmed, escalated: k.escalated, signal: k.signal, state: 'killed' };
      }
      case 'status':
        return { state: host.ended ? 'ending' : 'running', pid: host.childPid, outputBytes: host.bytes };
      case 'attach': {
        const who: ProcessIdentity = { pid: req.pid, start: req.start };
        this.attachers = this.attachers.filter((a) => !(a.pid === who.pid && a.start === who.start));
        if (req.active) this.attachers.push(who);
        return { attached: this.attachers.length };
      }
      default:
        throw new LooopError('USAGE', `unknown op ${JSON.stringify((req as { op: unknown }).op)}`);
    }
  }
}
