// The ask's facts and events, kept apart from the XState definition so read-only
// verbs (`asks`, `state`) can validate a record without loading XState.

export interface AskerIdentity {
  readonly pid: number;
  readonly start: string | null;
  /** Where the pid means something (PID namespace inode + boot id); absent in records of older versions. */
  readonly pidns?: number;
  readonly boot?: string;
}

export interface AskContext {
  readonly id: string;
  readonly worker: string;
  readonly prompt: string;
  readonly reference: string | null;
  readonly options: readonly string[];
  /** Creation time, unix seconds (the reference's `ts`). */
  readonly ts: number;
  /** The blocked `looop ask` process; null when created by something that does not wait. */
  readonly asker: AskerIdentity | null;
  /** The file that answered it, relative to the data dir, and when that was seen. */
  readonly answer: { readonly file: string; readonly at: string } | null;
  readonly deliveredAt: string | null;
  readonly stranded: { readonly at: string; readonly reason: string } | null;
}

export type AskInput = Pick<AskContext, 'id' | 'worker' | 'prompt' | 'reference' | 'options' | 'ts' | 'asker'>;

export type AskEvent =
  | { readonly type: 'ANSWER'; readonly file: string; readonly at: string }
  | { readonly type: 'DELIVER'; readonly at: string }
  | { readonly type: 'STRAND'; readonly at: string; readonly reason: string };

export type AskState = 'pending' | 'answered' | 'delivered' | 'stranded';

export const ASK_STATES: readonly AskState[] = ['pending', 'answered', 'delivered', 'stranded'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';
/** A place is both fields or neither: a positive namespace inode and a boot id. */
const placeOk = (v: Record<string, unknown>): boolean =>
  (v.pidns === undefined && v.boot === undefined) ||
  (typeof v.pidns === 'number' && Number.isInteger(v.pidns) && v.pidns > 0 && typeof v.boot === 'string' && /^[0-9a-f-]{8,64}$/.test(v.boot));

/** Why a parsed context is not an ask context, or null when it is. */
export function askContextProblem(c: unknown): string | null {
  if (!isObj(c)) return 'context is not an object';
  if (typeof c.id !== 'string' || typeof c.worker !== 'string' || typeof c.prompt !== 'string') {
    return 'context.id, context.worker and context.prompt must be strings';
  }
  if (!isStrOrNull(c.reference)) return 'context.reference must be a string or null';
  if (!Array.isArray(c.options) || !c.options.every((o) => typeof o === 'string')) return 'context.options must be a list of strings';
  if (typeof c.ts !== 'number') return 'context.ts must be a number';
  if (c.asker !== null && !(isObj(c.asker) && typeof c.asker.pid === 'number' && isStrOrNull(c.asker.start) && placeOk(c.asker))) {
    return 'context.asker must be null or {pid, start[, pidns, boot]}';
  }
  if (c.answer !== null && !(isObj(c.answer) && typeof c.answer.file === 'string' && typeof c.answer.at === 'string')) {
    return 'context.answer must be null or {file, at}';
  }
  if (!isStrOrNull(c.deliveredAt)) return 'context.deliveredAt must be a string or null';
  if (c.stranded !== null && !(isObj(c.stranded) && typeof c.stranded.at === 'string' && typeof c.stranded.reason === 'string')) {
    return 'context.stranded must be null or {at, reason}';
  }
  return null;
}
