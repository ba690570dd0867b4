// `kill`: through the host when it is alive (it escalates, confirms the group is
// empty and records `killed` before it replies); directly when the host is gone or
// stuck — signal the recorded process group after checking its start time, then
// record `killed` ourselves. Either way the record says `killed` before we return.
import type { SessionContext } from '../../machines/sessionTypes.ts';
import type { Ctx } from '../context.ts';
import { LooopError, isLooopError } from '../errors.ts';
import { isAlive, isLocal } from '../proc/processIdentity.ts';
import { updateEntity } from '../store/entityStore.ts';
import { waitForDirChange } from '../store/dirChange.ts';
import type { Envelope } from '../store/envelope.ts';
import { discardTells } from '../mailbox/tells.ts';
import { readSession } from './fleet.ts';
import { killGroup, sessionGroupMembers } from './groupKill.ts';
import { hostRequest } from './requestClient.ts';
import { SESSION_ENTITY } from './sessionEntity.ts';
import { sessionFiles } from './sessionKind.ts';

export interface KillResult {
  readonly id: string;
  readonly escalated: boolean;
  readonly confirmed: boolean;
  /** `host` when the host did it, `direct` when we signalled the group ourselves. */
  readonly via: 'host' | 'direct';
}

interface HostKillReply {
  readonly confirmed?: boolean;
  readonly escalated?: boolean;
}

function ended(env: Envelope<SessionContext>): string | null {
  if (env.state === 'exited') return env.context.exitCode === null ? 'exited' : `exited ${env.context.exitCode}`;
  if (env.state === 'killed') return 'killed';
  return null;
}

/** Kills the orphans of a session whose host is gone; true when anything was still running. */
export async function killOrphans(env: Envelope<SessionContext>): Promise<{ found: boolean; escalated: boolean; confirmed: boolean }> {
  const child = env.context.child;
  if (child === null) return { found: false, escalated: false, confirmed: true };
  // Its pids belong to another PID namespace or machine: here they name unrelated processes.
  const host = env.context.host;
  if (host !== null && !isLocal(host)) return { found: false, escalated: false, confirmed: false };
  const leader = isAlive({ pid: child.pid, start: child.start });
  if (!leader && sessionGroupMembers(child.pgid, child.start).length === 0) return { found: false, escalated: false, confirmed: true };
  const k = await killGroup(child.pgid, { notBefore: child.start });
  return { found: true, escalated: k.escalated, confirmed: k.confirmed };
}

async function killDirect(ctx: Ctx, env: Envelope<SessionContext>): Promise<KillResult> {
  const id = env.context.id;
  const host = env.context.host;
  if (host !== null && !isLocal(host)) {
    throw new LooopError('NOT_RUNNING', `kill ${id}: its host runs in another PID namespace or machine and did not answer; its pids mean nothing here`, {
      hint: 'end it where it runs (inside its container); once its lease expires it shows as dead',
    });
  }
  // A host that stopped answering must not outlive the kill and write over our record.
  if (host !== null && isAlive(host)) {
    try {
      process.kill(host.pid, 'SIGKILL');
    } catch {
      // it went away on its own
    }
  }
  const o = await killOrphans(env);
  if (!o.found && env.state === 'dead') {
    throw new LooopError('NOT_RUNNING', `kill ${id}: the session's host died earlier and nothing of it is still running`, { hint: `looop worker list -a` });
  }
  const at = ctx.now().toISOString();
  const r = await updateEntity(sessionFiles(ctx.paths, id).record, SESSION_ENTITY, (cur) => (ended(cur) === null ? [{ type: 'KILLED' as const, signal: o.escalated ? 'SIGKILL' : 'SIGHUP', escalated: o.escalated, at }] : []), ctx.now);
  if (r.kind !== 'updated' && r.kind !== 'unchanged') throw new LooopError('CORRUPT_FILE', `kill ${id}: cannot record the kill (${r.kind})`);
  return { id, escalated: o.escalated, confirmed: o.confirmed, via: 'direct' };
}

const START_WAIT_MS = 10_000;

function readSessionState(ctx: Ctx, id: string): string | null {
  try {
    const r = readSession(ctx, id);
    return r.kind === 'ok' ? r.info.state : null;
  } catch {
    return null;
  }
}

export async function killSession(ctx: Ctx, id: string): Promise<KillResult> {
  const r = readSession(ctx, id);
  if (r.kind === 'absent') throw new LooopError('NOT_FOUND', `kill ${id}: no such session`, { hint: 'list sessions with: looop worker list -a' });
  const how = ended(r.envelope);
  if (how !== null) {
    discardTells(ctx, id);
    throw new LooopError('NOT_RUNNING', `kill ${id}: the session has already ended (${how})`, { hint: `see what it left: looop screenshot ${id}` });
  }
  let result: KillResult;
  if (r.info.alive && r.envelope.state === 'running') {
    try {
      const reply = (await hostRequest(ctx, id, { op: 'kill' }, 'kill', { timeoutMs: 10_000 })) as HostKillReply;
      result = { id, escalated: reply.escalated === true, confirmed: reply.confirmed !== false, via: 'host' };
    } catch (e) {
      if (!isLooopError(e)) throw e;
      const now = readSession(ctx, id);
      if (now.kind !== 'ok') throw e;
      if (now.envelope.state === 'killed') result = { id, escalated: now.envelope.context.escalated, confirmed: true, via: 'host' };
      else if (ended(now.envelope) !== null) throw new LooopError('NOT_RUNNING', `kill ${id}: the session ended on its own meanwhile (${ended(now.envelope) ?? ''})`);
      else result = await killDirect(ctx, now.envelope);
    }
  } else if (r.info.alive) {
    // Still starting: give its host the moment it needs to report, then kill what it reports.
    await waitForDirChange(sessionFiles(ctx.paths, id).dir, START_WAIT_MS, { until: () => readSessionState(ctx, id) !== 'starting', env: ctx.env });
    if (readSessionState(ctx, id) === 'starting') throw new LooopError('NOT_RUNNING', `kill ${id}: the session is still starting after ${START_WAIT_MS / 1000}s`, { hint: `retry: looop kill ${id}` });
    return killSession(ctx, id);
  } else {
    result = await killDirect(ctx, r.envelope);
  }
  discardTells(ctx, id);
  return result;
}
