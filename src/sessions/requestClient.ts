// A client's round trip through a host's inbox: check the session is live, arm a
// watch on outbox/, deliver, and wait for the reply file. Watch events are the fast
// path; a slower re-check of the host's liveness makes a dead host fail fast
// instead of running into the deadline. Without a watch (polling), the watch's own
// poll tick re-reads the outbox.
import type { Ctx } from '../context.ts';
import { LooopError } from '../errors.ts';
import { readSession } from './fleet.ts';
import { collectReply, deliver, withdraw, type Reply, type RequestOp } from './inbox.ts';
import { sessionFiles } from './sessionKind.ts';

export interface RequestOptions {
  readonly timeoutMs?: number;
}

const LIVENESS_RECHECK_MS = 250;

/** Refuses unless the session exists and its host is running. */
export function requireLive(ctx: Ctx, id: string, verb: string): void {
  const r = readSession(ctx, id);
  if (r.kind === 'absent') {
    throw new LooopError('NOT_FOUND', `${verb} ${id}: no such session`, { hint: 'list sessions with: looop worker list -a' });
  }
  if (!r.info.alive || r.info.state !== 'running') {
    const how = r.info.state === 'exited' && r.info.exitCode !== null ? `exited ${r.info.exitCode}` : r.info.state;
    throw new LooopError('NOT_RUNNING', `${verb} ${id}: the session is not running (${how})`, { hint: `see what it left: looop screenshot ${id}` });
  }
}

/** Delivers one request and returns the host's reply data; throws with the host's error. */
export async function hostRequest(ctx: Ctx, id: string, op: RequestOp, verb: string, options: RequestOptions = {}): Promise<unknown> {
  requireLive(ctx, id, verb);
  const files = sessionFiles(ctx.paths, id);
  const timeoutMs = options.timeoutMs ?? 5000;
  // Armed before the request is delivered, so the reply cannot land unseen.
  const { openDirWatch } = await import('../watch/dirWatch.ts');
  const watch = await openDirWatch([files.outbox], { env: ctx.env });
  const name = deliver(files, op, true);
  const deadline = Date.now() + timeoutMs;
  let livenessAt = Date.now() + LIVENESS_RECHECK_MS;
  try {
    for (;;) {
      const reply: Reply | null = collectReply(files, name);
      if (reply !== null) {
        if (reply.ok) return reply.data;
        throw new LooopError('NOT_RUNNING', `${verb} ${id}: ${reply.error}`, { hint: `see the session: looop worker list -a` });
      }
      const now = Date.now();
      if (now >= deadline) {
        withdraw(files, name);
        throw new LooopError('HOST_UNRESPONSIVE', `${verb} ${id}: the session host did not answer within ${timeoutMs} ms`, {
          hint: `its log is sessions/${id}/host.log; \`looop kill ${id}\` ends it without the host`,
        });
      }
      if (now >= livenessAt) {
        livenessAt = now + LIVENESS_RECHECK_MS;
        try {
          requireLive(ctx, id, verb);
        } catch (e) {
          // The host may have answered just before it finished.
          const last = collectReply(files, name);
          if (last !== null) {
            if (last.ok) return last.data;
            throw new LooopError('NOT_RUNNING', `${verb} ${id}: ${last.error}`);
          }
          withdraw(files, name);
          throw e;
        }
      }
      await watch.next(Math.max(1, Math.min(deadline, livenessAt) - now));
    }
  } finally {
    await watch.close();
  }
}

/** Fire-and-forget delivery (keystrokes from attach): order is kept by the request names. */
export function postRequest(ctx: Ctx, id: string, op: RequestOp): void {
  deliver(sessionFiles(ctx.paths, id), op, false);
}
