// The write-ahead intent record for run_shell (reference §8.15). A shell command is
// the one move that cannot be repeated safely, so before it runs its intent is
// written to `.action-wal.<pid>-<n>.json`, and removed (only that exact record)
// when it returns. A record that outlives its actor by more than the deadline it
// was written under is a corpse: a beat died mid-command. It is reported once,
// removed, and never retried: only a person can tell whether it half-ran.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { createExclusive, listDir, removeIfExists } from '../store/fsio.ts';
import { readDataFile } from '../store/dataFile.ts';
import { shellTimeoutSecs } from './knobs.ts';

const PREFIX = '.action-wal.';
const LEGACY = '.action-wal.json';
/** How long past its recorded deadline a record may still belong to a live actor. */
export const WAL_GRACE_SECS = 60;
const MAX_WAL_BYTES = 64 << 10;

export interface Intent {
  readonly file: string;
  readonly body: string;
}

export interface WalCorpse {
  /** The record's file name in the data dir. */
  readonly file: string;
  /** The interrupted move's kind (`shell`), or `unknown` for a record that does not parse. */
  readonly action: string;
  readonly fingerprint: string;
}

/** Depends on the command only (not the reason): the same command twice has one fingerprint. */
export function fingerprint(cmd: string): string {
  return createHash('sha256').update(`run_shell\n${cmd}`).digest('hex').slice(0, 16);
}

let counter = 0;

/**
 * Writes the intent record before a run_shell. Never overwrites a record (a corpse of
 * a dead process with a recycled pid stays to be reported). Returns null, warned,
 * when it cannot be written: the command still runs, unguarded.
 */
export function writeIntent(ctx: Ctx, cmd: string): Intent | null {
  const body = `${JSON.stringify({ kind: 'shell', fingerprint: fingerprint(cmd), ts: unixSeconds(ctx.now()), shell_timeout_secs: shellTimeoutSecs(ctx) })}\n`;
  try {
    for (let tries = 0; tries < 1000; tries++) {
      counter += 1;
      const file = path.join(ctx.paths.dataDir, `${PREFIX}${process.pid}-${counter}.json`);
      if (createExclusive(file, body)) return { file, body };
    }
    throw new Error('no free record name');
  } catch (e) {
    ctx.warn('wal-write', `could not write the run_shell intent record (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); running it unguarded`);
    return null;
  }
}

/** Compare-and-delete: removes the record only while it still holds what we wrote. */
export function clearIntent(ctx: Ctx, intent: Intent | null): void {
  if (intent === null) return;
  const r = readDataFile(intent.file, MAX_WAL_BYTES);
  if (r.kind !== 'ok' || r.bytes.toString('utf8') !== intent.body) return;
  try {
    removeIfExists(intent.file);
  } catch (e) {
    ctx.warn(`wal-clear:${intent.file}`, `could not remove ${intent.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); a later beat will report it as interrupted`);
  }
}

interface Judged {
  readonly action: string;
  readonly fingerprint: string;
  /** null when the record is unparseable: treated as ancient. */
  readonly ts: number | null;
  readonly timeout: number | null;
}

function judge(text: string): Judged {
  try {
    const o: unknown = JSON.parse(text);
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('not an object');
    const r = o as Record<string, unknown>;
    const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);
    return {
      action: typeof r.kind === 'string' ? r.kind : 'unknown',
      fingerprint: typeof r.fingerprint === 'string' ? r.fingerprint : '?',
      ts: num(r.ts) ?? 0,
      timeout: num(r.shell_timeout_secs),
    };
  } catch {
    return { action: 'unknown', fingerprint: '?', ts: null, timeout: null };
  }
}

/** The intent record files in the data dir, including the legacy single-file one. */
export function intentFiles(ctx: Ctx): string[] {
  return listDir(ctx.paths.dataDir)
    .filter((n) => n === LEGACY || (n.startsWith(PREFIX) && n.endsWith('.json') && !n.endsWith('.tmp')))
    .sort();
}

/**
 * Finds the records whose actor must be dead (older than their recorded deadline plus
 * a grace minute; a deadline of 0 is never judged), removes them and returns them for
 * the caller to report. Unreadable or vanished records are skipped.
 */
export function reportWalCorpses(ctx: Ctx): WalCorpse[] {
  const nowS = unixSeconds(ctx.now());
  const current = shellTimeoutSecs(ctx);
  const corpses: WalCorpse[] = [];
  for (const name of intentFiles(ctx)) {
    const file = path.join(ctx.paths.dataDir, name);
    const r = readDataFile(file, MAX_WAL_BYTES);
    if (r.kind !== 'ok') continue;
    const j = judge(r.bytes.toString('utf8'));
    if (j.ts !== null) {
      const timeout = j.timeout ?? current;
      if (timeout === 0) continue;
      if (nowS - j.ts < timeout + WAL_GRACE_SECS) continue;
    }
    try {
      if (!removeIfExists(file)) continue; // another pulse reported it first
    } catch (e) {
      ctx.warn(`wal-remove:${name}`, `could not remove the interrupted-move record ${name} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    corpses.push({ file: name, action: j.action, fingerprint: j.fingerprint });
  }
  return corpses;
}

/** The line a caller logs for a corpse (reference §8.15). */
export function corpseMessage(c: WalCorpse): string {
  return `previous beat died mid '${c.action}' (a non-idempotent action) before committing — NOT retried automatically; verify it didn't half-run (fp ${c.fingerprint}) [${c.file}]`;
}
