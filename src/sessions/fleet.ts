// The fleet as read from sessions/*/session.json: plain reads, no XState, because
// the claim and tell paths call it. Liveness is derived here (host pid + start
// time, or its lease when the host lives in another PID namespace); the `dead`
// label covers hosts that vanished without a final record.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { LooopError, hasErrno } from '../errors.ts';
import { idProblem } from '../ids.ts';
import { isAlive } from '../proc/processIdentity.ts';
import { describeInvalid, readEntity, type Envelope } from '../store/envelope.ts';
import { OPEN_STATES, type SessionContext, type SessionState } from '../../machines/sessionTypes.ts';
import { SESSION_KIND, sessionFiles } from './sessionKind.ts';

export type SessionStateName = SessionState;

export interface SessionInfo {
  readonly id: string;
  /** The state to show: the recorded one, or `dead` when the host vanished without a final record. */
  readonly state: SessionStateName;
  readonly alive: boolean;
  readonly exitCode: number | null;
  readonly startedAt: string | null;
  readonly lastChange: string | null;
  /** The state as recorded in session.json (differs from `state` only for a vanished host). */
  readonly recorded: SessionState;
  readonly endedAt: string | null;
  readonly cols: number;
  readonly rows: number;
}

/** How long a session may sit in `starting` before its host must have reported. */
export const STARTING_GRACE_MS = 15_000;

export interface Liveness {
  readonly state: SessionState;
  readonly alive: boolean;
}

/**
 * The live/dead verdict for a record: final states are final; open ones need a live
 * host. `lockDir` (where leases live) lets a host in another PID namespace be judged.
 */
export function livenessOf(env: Envelope<SessionContext>, now: Date, lockDir?: string): Liveness {
  const recorded = env.state as SessionState;
  if (!OPEN_STATES.includes(recorded)) return { state: recorded, alive: false };
  const host = env.context.host;
  if (host === null) {
    // The host records itself together with the child; until then only a young record counts as starting.
    const young = now.getTime() - Date.parse(env.context.createdAt) < STARTING_GRACE_MS;
    return young ? { state: recorded, alive: true } : { state: 'dead', alive: false };
  }
  return isAlive(host, { lockDir }) ? { state: recorded, alive: true } : { state: 'dead', alive: false };
}

export function toInfo(env: Envelope<SessionContext>, now: Date, lockDir?: string): SessionInfo {
  const l = livenessOf(env, now, lockDir);
  const c = env.context;
  return {
    id: c.id,
    state: l.state,
    alive: l.alive,
    exitCode: c.exitCode,
    startedAt: c.startedAt ?? c.createdAt,
    lastChange: env.updatedAt,
    recorded: env.state as SessionState,
    endedAt: c.endedAt,
    cols: c.cols,
    rows: c.rows,
  };
}

export type SessionRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ok'; readonly envelope: Envelope<SessionContext>; readonly info: SessionInfo };

/** Reads one session. Absent is not an error; an unreadable or foreign record throws (fail closed). */
export function readSession(ctx: Ctx, id: string): SessionRead {
  const file = sessionFiles(ctx.paths, id).record;
  const r = readEntity(file, SESSION_KIND);
  if (r.kind === 'absent') return r;
  if (r.kind === 'invalid') {
    throw new LooopError('CORRUPT_FILE', describeInvalid(ctx.paths.dataDir, r), { hint: `inspect ${path.relative(ctx.paths.dataDir, file)}` });
  }
  if (r.envelope.context.id !== id) {
    throw new LooopError('CORRUPT_FILE', `sessions/${id}/session.json describes session "${r.envelope.context.id}" — fix or remove it by hand`);
  }
  return { kind: 'ok', envelope: r.envelope, info: toInfo(r.envelope, ctx.now(), ctx.paths.lockDir) };
}

/**
 * Every readable session, sorted by id. Strict: when sessions/ cannot be enumerated
 * this throws, so gates (fleet cap, duplicate id, claims) fail closed. Unreadable
 * records are reported once and skipped, never rewritten.
 */
export function listFleet(ctx: Ctx): SessionInfo[] {
  let names: string[];
  try {
    // Only real directories are sessions: a symlink could point anywhere.
    names = fs.readdirSync(ctx.paths.sessions, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return [];
    throw new LooopError('FLEET_UNREADABLE', `cannot enumerate ${ctx.paths.sessions} (${(e as Error).message})`, {
      hint: 'sessions/ must be a readable directory; fix its permissions or move the file away',
    });
  }
  const out: SessionInfo[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.') || idProblem(name) !== null) continue;
    let r: SessionRead;
    try {
      r = readSession(ctx, name);
    } catch (e) {
      ctx.warn(`invalid-session:${name}`, (e as Error).message);
      continue;
    }
    // A directory without a record is a start in progress (or its debris): not a session yet.
    if (r.kind === 'ok') out.push(r.info);
  }
  return out;
}

/** Whether session `id` is alive. Fail-closed: throws when its record cannot be read. */
export function sessionAlive(ctx: Ctx, id: string): boolean {
  if (idProblem(id) !== null) return false;
  const r = readSession(ctx, id);
  return r.kind === 'ok' && r.info.alive;
}
