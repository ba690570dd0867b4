// The claim's facts and events, kept apart from the XState definition so read-only
// callers (sensors, `state`, completions) can validate a lease without loading XState.

/** How the tenancy before the current one ended. */
export interface PreviousTenancy {
  readonly holder: string;
  readonly ended: 'released' | 'reaped';
  readonly at: string;
}

export interface ClaimContext {
  readonly name: string;
  /** The session holding the claim while `held`; the last holder otherwise. */
  readonly holder: string;
  /**
   * Unique per acquisition and per refresh (`<pid>-<counter>-<random>`), so a
   * compare-and-delete or a keyed reap that saw older bytes can never match newer ones.
   */
  readonly nonce: string;
  /** When the current (or last) holder acquired it, ISO. A refresh keeps it. */
  readonly since: string;
  /** Last acquisition or refresh, unix seconds (the reference lease's `ts`). */
  readonly ts: number;
  readonly releasedAt: string | null;
  /** Who released it: the holder itself, or another session clearing a dead holder's claim. */
  readonly releasedBy: string | null;
  readonly reapedAt: string | null;
  readonly previous: PreviousTenancy | null;
}

export interface ClaimInput {
  readonly name: string;
  readonly session: string;
  readonly nonce: string;
  readonly at: string;
  readonly ts: number;
}

export type ClaimEvent =
  /** Acquire (released/reaped → held), or refresh by the current holder. */
  | { readonly type: 'CLAIM'; readonly session: string; readonly nonce: string; readonly at: string; readonly ts: number }
  /** `holder` is the holder the releaser judged; a claim that changed hands meanwhile is left alone. */
  | { readonly type: 'RELEASE'; readonly holder: string; readonly by: string | null; readonly at: string }
  /** The holder was judged dead; keyed on that holder like RELEASE. */
  | { readonly type: 'REAP'; readonly holder: string; readonly at: string };

export type ClaimState = 'held' | 'released' | 'reaped';

export const CLAIM_STATES: readonly ClaimState[] = ['held', 'released', 'reaped'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

function previousProblem(p: unknown): string | null {
  if (p === null) return null;
  if (!isObj(p) || typeof p.holder !== 'string' || typeof p.at !== 'string' || (p.ended !== 'released' && p.ended !== 'reaped')) {
    return 'context.previous must be null or {holder, ended: "released"|"reaped", at}';
  }
  return null;
}

/** Why a parsed context is not a claim context, or null when it is. */
export function claimContextProblem(c: unknown): string | null {
  if (!isObj(c)) return 'context is not an object';
  if (typeof c.name !== 'string' || c.name === '') return 'context.name must be a non-empty string';
  if (typeof c.holder !== 'string') return 'context.holder must be a string';
  if (typeof c.nonce !== 'string' || c.nonce === '') return 'context.nonce must be a non-empty string';
  if (typeof c.since !== 'string') return 'context.since must be a string';
  if (typeof c.ts !== 'number' || !Number.isFinite(c.ts)) return 'context.ts must be a number';
  if (!isStrOrNull(c.releasedAt) || !isStrOrNull(c.releasedBy) || !isStrOrNull(c.reapedAt)) {
    return 'context.releasedAt, context.releasedBy and context.reapedAt must be strings or null';
  }
  return previousProblem(c.previous);
}
