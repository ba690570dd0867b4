// Creating a session: the non-recursive mkdir of sessions/<id> is the id claim
// (EEXIST = taken), the record is created in `starting`, and the host (a standby one
// already booted, or a new one) takes the session with its output on host.log —
// never on our stdout, so `$(looop worker start …)` returns as soon as we do.
import type { ChildProcess } from 'node:child_process';
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import type { SessionContext } from '../../machines/sessionTypes.ts';
import type { Ctx } from '../context.ts';
import type { Env } from '../paths.ts';
import { LooopError, hasErrno } from '../errors.ts';
import { createEntity, updateEntity } from '../store/entityStore.ts';
import { readEntity, type Envelope } from '../store/envelope.ts';
import { ensureDir } from '../store/fsio.ts';
import { waitForDirChange } from '../store/dirChange.ts';
import { spawnHost, type StandbyHost } from './hostProcess.ts';
import { ensureMailDirs } from './inbox.ts';
import { SESSION_ENTITY } from './sessionEntity.ts';
import { DEFAULT_COLS, DEFAULT_ROWS, SESSION_KIND, sessionFiles, type SessionFiles } from './sessionKind.ts';

export interface LaunchSpec {
  readonly id: string;
  /** Shell script run by `bash -c` in the PTY. */
  readonly command: string;
  readonly cwd: string;
  readonly cols?: number;
  readonly rows?: number;
}

export interface Launched {
  readonly envelope: Envelope<SessionContext>;
  readonly hostPid: number;
}

const WAIT_MS = 10_000;
/** Claims sessions/<id> (atomic mkdir). False when the directory already exists. */
export function claimSessionDir(ctx: Ctx, id: string): boolean {
  ensureDir(ctx.paths.sessions);
  try {
    fs.mkdirSync(sessionFiles(ctx.paths, id).dir, { mode: 0o700 });
    return true;
  } catch (e) {
    if (hasErrno(e, 'EEXIST')) return false;
    throw e;
  }
}

function tail(file: string, bytes: number): string {
  try {
    const b = fs.readFileSync(file);
    return b.subarray(Math.max(0, b.length - bytes)).toString('utf8').trim();
  } catch {
    return '';
  }
}

/**
 * Starts the host for a directory claimed with `claimSessionDir` and waits until
 * the record leaves `starting` (the host reports the child running, or its failure).
 */
export async function launchSession(ctx: Ctx, spec: LaunchSpec, standby?: StandbyHost): Promise<Launched> {
  const files = sessionFiles(ctx.paths, spec.id);
  ensureMailDirs(files);
  const input = { id: spec.id, command: spec.command, cwd: spec.cwd, cols: spec.cols ?? DEFAULT_COLS, rows: spec.rows ?? DEFAULT_ROWS, createdAt: ctx.now().toISOString() };
  if (createEntity(files.record, SESSION_ENTITY, input, ctx.now()) === null) {
    throw new LooopError('ALREADY_RUNNING', `session ${spec.id} was created by another process at the same time`);
  }
  const fromStandby = standby?.go() ?? null;
  let child = fromStandby ?? spawnHost(ctx, spec.id, files.hostLog);
  try {
    let env = await untilStarted(files, exitOf(child), ctx.env);
    if (env === null && fromStandby !== null && !fs.existsSync(files.hostLog)) {
      // The standby host died before taking the session (taking it opens host.log first): start one afresh.
      child.unref();
      child = spawnHost(ctx, spec.id, files.hostLog);
      env = await untilStarted(files, exitOf(child), ctx.env);
    }
    // The host never ran the command (no PTY addon, a bad cwd): that is the start failing, not a worker that ended.
    if (env !== null && env.state === 'exited' && env.context.startedAt === null && env.context.reason !== null) {
      throw new LooopError('SESSION_FAILED', `session ${spec.id}: ${env.context.reason}`, { hint: `see ${path.relative(ctx.paths.dataDir, files.hostLog)}` });
    }
    if (env !== null) return { envelope: env, hostPid: child.pid ?? 0 };
    // The host is gone and the record still says `starting`: record why, never leave it there.
    const why = tail(files.hostLog, 600) || 'the session host exited before starting the command';
    await updateEntity(files.record, SESSION_ENTITY, (cur) => (cur.state === 'starting' ? [{ type: 'VANISHED' as const, reason: why, at: ctx.now().toISOString() }] : []), ctx.now);
    throw new LooopError('SESSION_FAILED', `session ${spec.id}: the host failed to start: ${why.split('\n').slice(-3).join(' | ')}`, {
      hint: `see ${path.relative(ctx.paths.dataDir, files.hostLog)}`,
    });
  } finally {
    child.unref();
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  child.once('error', () => undefined);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Waits (on watch events) for the record to leave `starting`; null when the host died first. */
async function untilStarted(files: SessionFiles, hostExit: Promise<number | null>, env: Env): Promise<Envelope<SessionContext> | null> {
  const started = (): Envelope<SessionContext> | null => {
    const r = readEntity(files.record, SESSION_KIND);
    return r.kind === 'ok' && r.envelope.state !== 'starting' ? r.envelope : null;
  };
  let exited = false;
  const stop = new AbortController();
  void hostExit.then(() => {
    exited = true;
    stop.abort();
  });
  try {
    await waitForDirChange(files.dir, WAIT_MS, { until: () => started() !== null, signal: stop.signal, env });
  } finally {
    stop.abort();
  }
  const record = started();
  if (record !== null || exited) return record;
  throw new LooopError('HOST_UNRESPONSIVE', `the session host did not start within ${WAIT_MS / 1000}s`, { hint: `see ${files.hostLog}` });
}

/**
 * Claims sessions/<id> and launches it — for sessions other than workers (the pulse's
 * `up`). Refuses when the directory exists: reap a corpse first (`reapSession`).
 * Keep `exec` out of the command: the host's drain trap lives in the top shell.
 */
export async function startSession(ctx: Ctx, spec: LaunchSpec): Promise<Launched> {
  if (!claimSessionDir(ctx, spec.id)) {
    throw new LooopError('ALREADY_RUNNING', `session ${spec.id} already exists`, { hint: `a live one must be killed, a finished one reaped, before ${spec.id} starts again` });
  }
  return launchSession(ctx, spec);
}
