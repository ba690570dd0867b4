// The session's facts and events, kept apart from the XState definition so the
// fleet listing (and the claim/tell liveness checks built on it) can validate a
// record without loading XState.

export interface HostIdentity {
  readonly pid: number;
  /** Kernel start time (clock ticks since boot) as a string; null where /proc is missing. */
  readonly start: string | null;
  /** Where the pid means something (PID namespace inode + boot id); absent in records of older versions. */
  readonly pidns?: number;
  readonly boot?: string;
}

export interface ChildIdentity {
  readonly pid: number;
  /** node-pty makes the child a session leader, so its pid is its process group. */
  readonly pgid: number;
  readonly start: string | null;
}

export interface SessionContext {
  readonly id: string;
  /** The shell script the host runs with `bash -c` (without the host's drain prelude). */
  readonly command: string;
  readonly cwd: string;
  readonly cols: number;
  readonly rows: number;
  readonly createdAt: string;
  readonly host: HostIdentity | null;
  readonly child: ChildIdentity | null;
  readonly startedAt: string | null;
  readonly exitCode: number | null;
  /** The signal named in the final record: the child's death signal, or what `kill` sent last. */
  readonly signal: string | null;
  /** True when `kill` had to fall back to SIGKILL. */
  readonly escalated: boolean;
  readonly endedAt: string | null;
  /** Why a session ended abnormally (spawn failure, host vanished), for humans. */
  readonly reason: string | null;
}

export type SessionInput = Pick<SessionContext, 'id' | 'command' | 'cwd' | 'cols' | 'rows' | 'createdAt'>;

export type SessionEvent =
  | { readonly type: 'SPAWNED'; readonly host: HostIdentity; readonly child: ChildIdentity; readonly at: string }
  | { readonly type: 'SPAWN_FAILED'; readonly reason: string; readonly at: string }
  | { readonly type: 'RESIZED'; readonly cols: number; readonly rows: number }
  | { readonly type: 'EXITED'; readonly code: number | null; readonly signal: string | null; readonly at: string }
  | { readonly type: 'KILLED'; readonly signal: string; readonly escalated: boolean; readonly at: string }
  | { readonly type: 'VANISHED'; readonly reason: string; readonly at: string };

export type SessionState = 'starting' | 'running' | 'exited' | 'killed' | 'dead';

export const SESSION_STATES: readonly SessionState[] = ['starting', 'running', 'exited', 'killed', 'dead'];

/** States in which the host may still be working; the others are final records. */
export const OPEN_STATES: readonly SessionState[] = ['starting', 'running'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
const isPosInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;
/** A place is both fields or neither: a positive namespace inode and a boot id. */
const placeOk = (v: Record<string, unknown>): boolean =>
  (v.pidns === undefined && v.boot === undefined) || (isPosInt(v.pidns) && typeof v.boot === 'string' && /^[0-9a-f-]{8,64}$/.test(v.boot));

function identityProblem(v: unknown, name: string, withPgid: boolean): string | null {
  if (v === null) return null;
  if (!isObj(v) || !isPosInt(v.pid) || !isStrOrNull(v.start) || (withPgid && !isPosInt(v.pgid)) || !placeOk(v)) {
    return `context.${name} must be null or {pid${withPgid ? ', pgid' : ''}, start[, pidns, boot]}`;
  }
  return null;
}

/** Why a parsed context is not a session context, or null when it is. */
export function sessionContextProblem(c: unknown): string | null {
  if (!isObj(c)) return 'context is not an object';
  if (typeof c.id !== 'string' || typeof c.command !== 'string' || typeof c.cwd !== 'string') {
    return 'context.id, context.command and context.cwd must be strings';
  }
  if (!isPosInt(c.cols) || !isPosInt(c.rows)) return 'context.cols and context.rows must be positive integers';
  if (typeof c.createdAt !== 'string') return 'context.createdAt must be a string';
  const idp = identityProblem(c.host, 'host', false) ?? identityProblem(c.child, 'child', true);
  if (idp !== null) return idp;
  if (!isStrOrNull(c.startedAt) || !isStrOrNull(c.endedAt)) return 'context.startedAt and context.endedAt must be strings or null';
  if (c.exitCode !== null && !Number.isInteger(c.exitCode)) return 'context.exitCode must be an integer or null';
  if (!isStrOrNull(c.signal) || !isStrOrNull(c.reason)) return 'context.signal and context.reason must be strings or null';
  if (typeof c.escalated !== 'boolean') return 'context.escalated must be a boolean';
  return null;
}
