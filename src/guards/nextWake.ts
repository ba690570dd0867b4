// The decider's cadence nudge, made durable (reference §8.2 b–h, §8.18):
// `.next-wake.json` = {"v":1,"due":<unix s>,"rev":k}. A due deadline forces the next
// beat to decide; it is consumed only after a beat that actually launched the runner,
// by compare-and-delete against the exact bytes read before that beat, so a deadline
// written meanwhile survives. Writers and the consumer serialize on the store's write
// tokens (revTokens): the token is taken above the rev they read and confirmed by
// re-reading the bytes, so neither can remove or overwrite what it did not see.
//
// Sleeping: a fresh deadline shortens the sleep and never extends it; a past one
// never shortens it (no 1 Hz spin when a due wake survives an idle beat). A deadline
// further ahead than any nudge could ask for means the clock moved back: it counts
// as due now, so a day's jump neither silences the nudge nor loops on it.
import { readDataFile } from '../store/dataFile.ts';
import { removeIfExists, writeAtomic } from '../store/fsio.ts';
import { holdNextToken, parseRev, releaseToken, type HeldToken } from '../store/revTokens.ts';
import { errText, guardPath, isObject, utf8Text, type GuardCtx, type Problem } from './guardFile.ts';

export const WAKE_FILE = '.next-wake.json';
export const MIN_NUDGE_S = 5;
/** How much further than the nudge cap a deadline may lie before it counts as a clock jump. */
export const WAKE_SLACK_S = 60;
const WAKE_MAX_BYTES = 4096;
/** How often a writer re-reads a file that keeps changing under it before it gives up. */
const CONFLICT_RETRIES = 5;

/** The decider's next_interval_s clamped to [5, max(cap, 5)]. */
export function clampNudge(reqS: number, capS: number): number {
  const hi = Math.max(capS, MIN_NUDGE_S);
  const n = Number.isFinite(reqS) ? Math.trunc(reqS) : hi;
  return Math.min(hi, Math.max(MIN_NUDGE_S, n));
}

export type WakeRead =
  | { readonly kind: 'none' }
  | { readonly kind: 'ok'; readonly raw: Buffer; readonly dueS: number }
  /** There but unusable: never forces a decide (no extra spend); `raw` when it is a regular file. */
  | { readonly kind: 'bad'; readonly raw: Buffer | null; readonly problem: string };

export function readNextWake(ctx: GuardCtx): WakeRead {
  const file = guardPath(ctx, WAKE_FILE);
  const r = readDataFile(file, WAKE_MAX_BYTES);
  if (r.kind === 'absent') return { kind: 'none' };
  const tail = ' — ignored (no forced decide); the next cadence nudge replaces it';
  if (r.kind === 'refused') return { kind: 'bad', raw: null, problem: `${file} ${r.problem}${tail}` };
  const text = utf8Text(r.bytes);
  let v: unknown = null;
  try {
    v = text === null ? null : JSON.parse(text);
  } catch {}
  if (!isObject(v) || v.v !== 1 || typeof v.due !== 'number' || !Number.isFinite(v.due) || v.due < 0) {
    return { kind: 'bad', raw: r.bytes, problem: `${file} is not a next-wake record${tail}` };
  }
  return { kind: 'ok', raw: r.bytes, dueS: Math.floor(v.due) };
}

/** The deadline as the loop must treat it: one absurdly far ahead (clock moved back) is due now. */
export function effectiveDueS(dueS: number, nowS: number, capS: number): number {
  return dueS - nowS > Math.max(capS, MIN_NUDGE_S) + WAKE_SLACK_S ? nowS : dueS;
}

/** Whether the read deadline forces this beat to decide. */
export function wakeIsDue(read: WakeRead, nowS: number, capS: number): boolean {
  return read.kind === 'ok' && nowS >= effectiveDueS(read.dueS, nowS, capS);
}

/** The sleep before the next beat: `wantS`, shortened by a FUTURE deadline only. */
export function sleepWantS(wantS: number, dueS: number | null, nowS: number): number {
  if (dueS === null || dueS <= nowS) return wantS;
  return Math.min(wantS, dueS - nowS);
}

export interface SleepRecheck {
  readonly untilMs: number;
  /** The deadline read when the sleep began (null: none). */
  readonly startDueS: number | null;
  /** The deadline read now (null: none or unusable). */
  readonly currentDueS: number | null;
  readonly nowMs: number;
  /** The longest the sleep may still last from now (the clock may have moved back); default unbounded. */
  readonly maxAheadMs?: number;
}

/** One slice of the sleep: a changed deadline can only bring `until` closer, never past now. */
export function recheckUntil(r: SleepRecheck): number {
  let until = r.untilMs;
  if (r.currentDueS !== null && r.currentDueS !== r.startDueS) until = Math.min(until, Math.max(r.currentDueS * 1000, r.nowMs));
  if (r.maxAheadMs !== undefined) until = Math.min(until, r.nowMs + r.maxAheadMs);
  return until;
}

// What a writer saw: compared byte for byte when it comes to act.
type Seen = { kind: 'absent' } | { kind: 'ok'; bytes: Buffer } | { kind: 'refused'; reason: string };

function see(file: string): Seen {
  const r = readDataFile(file, WAKE_MAX_BYTES);
  if (r.kind === 'ok') return { kind: 'ok', bytes: r.bytes };
  return r.kind === 'absent' ? r : { kind: 'refused', reason: r.reason };
}

function same(a: Seen, b: Seen): boolean {
  if (a.kind === 'ok' && b.kind === 'ok') return a.bytes.equals(b.bytes);
  if (a.kind === 'refused' && b.kind === 'refused') return a.reason === b.reason;
  return a.kind === b.kind;
}

// A hostile rev (huge, negative) must not steer the token walk: anything odd counts as 0,
// the bytes comparison still decides whether the file is the one we saw.
function revOf(s: Seen): number {
  const rev = s.kind === 'ok' ? parseRev(s.bytes) : null;
  return rev !== null && rev >= 0 && rev < 2 ** 40 ? rev : 0;
}

type Held = { kind: 'held'; held: HeldToken } | { kind: 'changed' } | { kind: 'busy' };

/**
 * Takes the write token for `file` as long as it still looks like `seen`. A file that
 * changed under us is re-read and judged again (a few times); a live writer holding the
 * token is not waited for: the caller reports it, and the next beat tries again.
 */
function holdIfUnchanged(file: string, seen: () => Seen | null): Held {
  for (let attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
    const s = seen();
    if (s === null) return { kind: 'changed' };
    const h = holdNextToken(file, revOf(s), () => same(see(file), s));
    if (!('kind' in h)) return { kind: 'held', held: h };
    if (h.kind === 'busy') return { kind: 'busy' };
  }
  return { kind: 'busy' };
}


/** Publishes a deadline (unix s), replacing whatever is there. */
export function writeNextWake(ctx: GuardCtx, dueS: number): Problem {
  const file = guardPath(ctx, WAKE_FILE);
  try {
    const h = holdIfUnchanged(file, () => see(file));
    if (h.kind !== 'held') return `cannot write ${file}: another writer holds it — the nudge is lost; the next beat comes at the interval`;
    let done = false;
    try {
      writeAtomic(file, `${JSON.stringify({ v: 1, due: Math.floor(dueS), rev: h.held.rev })}\n`);
      done = true;
    } finally {
      releaseToken(h.held, done);
    }
    return null;
  } catch (e) {
    return `cannot write ${file} (${errText(e)}) — move whatever is there aside`;
  }
}

export type WakeConsume =
  | { readonly kind: 'consumed' }
  /** The file no longer holds `raw` (a fresh deadline, or gone): left as it is. */
  | { readonly kind: 'kept' }
  /** Could not take the token or remove the file: left, so the next beat decides again. */
  | { readonly kind: 'degraded'; readonly problem: string };

/** Removes `.next-wake.json` only if it still holds exactly `raw`. */
export function consumeNextWake(ctx: GuardCtx, raw: Uint8Array): WakeConsume {
  const file = guardPath(ctx, WAKE_FILE);
  const want = Buffer.from(raw);
  try {
    const h = holdIfUnchanged(file, () => {
      const s = see(file);
      return s.kind === 'ok' && s.bytes.equals(want) ? s : null;
    });
    if (h.kind === 'changed') return { kind: 'kept' };
    if (h.kind === 'busy') return { kind: 'degraded', problem: `cannot consume ${file}: another writer holds it — left in place, the next beat decides again` };
    let done = false;
    try {
      removeIfExists(file);
      done = true;
    } finally {
      releaseToken(h.held, done);
    }
    return { kind: 'consumed' };
  } catch (e) {
    return { kind: 'degraded', problem: `cannot consume ${file} (${errText(e)}) — left in place, the next beat decides again` };
  }
}
