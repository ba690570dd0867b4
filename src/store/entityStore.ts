// Moves persisted machines. Every write goes through the entity's XState machine
// and a compare-and-swap on `rev` (see revTokens.ts for the token discipline).
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import { initialTransition, transition, type AnyStateMachine, type EventFromLogic, type InputFrom } from 'xstate';
import { LooopError, hasErrno } from '../errors.ts';
import { createExclusive, readIfExists, removeIfExists, fsyncDir } from './fsio.ts';
import { type EntityKind, type Envelope, type EntityRead, machineTag, parseEnvelope, readEntity } from './envelope.ts';
import { parseRev, publishNextRev, takeToken, tokenPath } from './revTokens.ts';
import { isLocal } from '../proc/processIdentity.ts';
import { waitForDirChange } from './dirChange.ts';

export interface MachineEntity<C, M extends AnyStateMachine> extends EntityKind<C> {
  readonly machine: M;
}

type Persisted = Record<string, unknown> & { value: unknown; context: unknown };

function toEnvelope<C>(kind: EntityKind<C>, snap: unknown, rev: number, now: Date, machine: AnyStateMachine): Envelope<C> {
  const persisted = machine.getPersistedSnapshot(snap as never) as unknown as Persisted;
  const { value, context, ...rest } = persisted;
  if (typeof value !== 'string') throw new Error(`${kind.name} machine must be flat (got state ${JSON.stringify(value)})`);
  return {
    v: 1,
    machine: machineTag(kind),
    rev,
    state: value,
    context: context as C,
    snapshot: rest,
    updatedAt: now.toISOString(),
  };
}

/** Rebuilds the XState snapshot an envelope describes. */
export function snapshotOf<C, M extends AnyStateMachine>(entity: MachineEntity<C, M>, env: Envelope<C>): ReturnType<M['resolveState']> {
  return entity.machine.resolveState({
    ...(env.snapshot as object),
    value: env.state,
    context: env.context as never,
  }) as ReturnType<M['resolveState']>;
}

function serialize(env: Envelope<unknown>): string {
  return `${JSON.stringify(env, null, 2)}\n`;
}

/** Creates the entity at rev 1. Returns null when the file already exists (someone else won). */
export function createEntity<C, M extends AnyStateMachine>(
  file: string,
  entity: MachineEntity<C, M>,
  input: InputFrom<M>,
  now: Date,
): Envelope<C> | null {
  const [snap] = initialTransition(entity.machine, input as never);
  const env = toEnvelope<C>(entity, snap, 1, now, entity.machine);
  return createExclusive(file, serialize(env)) ? env : null;
}

export type UpdateResult<C> =
  | { readonly kind: 'updated'; readonly envelope: Envelope<C> }
  | { readonly kind: 'unchanged'; readonly envelope: Envelope<C> }
  | { readonly kind: 'absent' }
  | { readonly kind: 'invalid'; readonly file: string; readonly problem: string; readonly newer: boolean };

export interface UpdateOptions {
  /** Give up waiting for a live writer after this long (ms). */
  readonly timeoutMs?: number;
  /** Publish before syncing to disk (see writeAtomic): for records a power cut makes moot. */
  readonly visibleFirst?: boolean;
}

/**
 * Applies the events `decide` returns to the current record, through the machine, and
 * publishes the result with compare-and-swap on `rev`. `decide` sees the freshest record
 * on every retry; returning [] leaves the file alone.
 */
export async function updateEntity<C, M extends AnyStateMachine>(
  file: string,
  entity: MachineEntity<C, M>,
  decide: (env: Envelope<C>) => readonly EventFromLogic<M>[],
  now: () => Date,
  options: UpdateOptions = {},
): Promise<UpdateResult<C>> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const cur = readEntity<C>(file, entity);
    if (cur.kind !== 'ok') return cur;
    const events = decide(cur.envelope);
    if (events.length === 0) return { kind: 'unchanged', envelope: cur.envelope };
    let snap = snapshotOf(entity, cur.envelope);
    for (const ev of events) [snap] = transition(entity.machine, snap as never, ev as never) as [typeof snap, unknown];
    const probe = toEnvelope<C>(entity, snap, cur.envelope.rev, now(), entity.machine);
    if (probe.state === cur.envelope.state && JSON.stringify(probe.context) === JSON.stringify(cur.envelope.context)) {
      return { kind: 'unchanged', envelope: cur.envelope };
    }
    const outcome = publishNextRev(file, cur.envelope.rev, (rev) => serialize({ ...probe, rev }), options.visibleFirst === true);
    if (outcome.kind === 'published') return { kind: 'updated', envelope: { ...probe, rev: outcome.rev } };
    if (outcome.kind === 'busy') {
      if (Date.now() > deadline) {
        throw new LooopError('CONFLICT', `${file}: another process has held the write token for too long`, {
          hint: isLocal(outcome.holder)
            ? `it belongs to pid ${outcome.holder.pid}; if that process is stuck, kill it and retry`
            : `it belongs to pid ${outcome.holder.pid} in another PID namespace or machine (a container sharing this data dir); retry once it is done`,
        });
      }
      await waitForDirChange(path.dirname(file), 50);
    }
    // 'conflict': someone published first; loop and re-decide on their record.
  }
}

/**
 * Deletes the entity only if its bytes are still `expected` (compare-and-delete), under
 * the same token discipline as an update so it can never remove a newer revision.
 */
export function removeEntityIfUnchanged(file: string, expected: Buffer): boolean {
  const rev = parseRev(expected);
  if (rev === null) {
    // Not a record we can token: compare and delete directly (debris only).
    const cur = readIfExists(file);
    if (cur === null || !cur.equals(expected)) return false;
    return removeIfExists(file);
  }
  const token = tokenPath(file, rev + 1);
  if (!takeToken(token)) return false;
  try {
    const cur = readIfExists(file);
    if (cur === null || !cur.equals(expected)) return false;
    fs.unlinkSync(file);
    fsyncDir(path.dirname(file));
    return true;
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return false;
    throw e;
  } finally {
    removeIfExists(token);
  }
}

export { readEntity, parseEnvelope };
export type { EntityRead, Envelope };
