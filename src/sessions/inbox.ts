// The file protocol between clients and a session host, Maildir style: a client
// writes inbox/tmp/<name> and renames it into inbox/new/<name> (so the host never
// parses half a request); the host handles new/ one request at a time in name
// order and publishes its reply atomically as outbox/<name>.
import { fs } from '../nodeFs.ts';
import path from 'node:path';
import { hasErrno } from '../errors.ts';
import { ensureDir, listDir, readIfExists, removeIfExists, writeAtomic } from '../store/fsio.ts';
import type { SessionFiles } from './sessionKind.ts';

export type RequestOp =
  | { readonly op: 'send'; readonly text: string; readonly newline: boolean }
  | { readonly op: 'input'; readonly b64: string }
  | { readonly op: 'resize'; readonly cols: number; readonly rows: number }
  | { readonly op: 'screenshot'; readonly detail: 'plain' | 'full' }
  | { readonly op: 'kill'; readonly graceMs?: number }
  | { readonly op: 'status' }
  | { readonly op: 'attach'; readonly pid: number; readonly start: string | null; readonly active: boolean };

export type Request = RequestOp & { readonly v: 1; readonly reply: boolean };

export type Reply = { readonly v: 1; readonly ok: true; readonly data: unknown } | { readonly v: 1; readonly ok: false; readonly error: string };

/** Replies are answers to one client; one nobody collected for this long is debris. */
export const REPLY_TTL_MS = 10 * 60_000;

let counter = 0;

/**
 * Sortable and unique: zero-padded ms timestamp, then a per-process counter (so one
 * client's requests keep their order within a millisecond), pid and randomness (which
 * only guards against pid reuse, so Math.random: node:crypto costs start-up time).
 */
export function requestName(nowMs: number = Date.now()): string {
  counter += 1;
  return `${String(nowMs).padStart(14, '0')}.${String(counter).padStart(8, '0')}.${process.pid}.${Math.floor(Math.random() * 0x1000000).toString(16).padStart(6, '0')}.json`;
}

const NAME_RE = /^\d{14}\.\d{8}\.\d+\.[0-9a-f]+\.json$/;

export function isRequestName(name: string): boolean {
  return NAME_RE.test(name);
}

/** Delivers a request and returns its name (the reply will carry the same name). */
export function deliver(files: SessionFiles, op: RequestOp, reply = true): string {
  const name = requestName();
  const body: Request = { ...op, v: 1, reply };
  const tmp = path.join(files.inboxTmp, name);
  // Small, written once and renamed: no fsync, a lost request after a crash is a lost keystroke.
  fs.writeFileSync(tmp, JSON.stringify(body), { mode: 0o600, flag: 'wx' });
  try {
    fs.renameSync(tmp, path.join(files.inboxNew, name));
  } catch (e) {
    removeIfExists(tmp);
    throw e;
  }
  return name;
}

/** Withdraws a request the host has not taken yet (the client gave up waiting). */
export function withdraw(files: SessionFiles, name: string): boolean {
  return removeIfExists(path.join(files.inboxNew, name));
}

/** Pending request names, oldest first. */
export function pendingRequests(files: SessionFiles): string[] {
  return listDir(files.inboxNew).filter(isRequestName).sort();
}

export type TakenRequest = { readonly kind: 'ok'; readonly request: Request } | { readonly kind: 'bad'; readonly why: string } | { readonly kind: 'gone' };

/** Reads and removes one request (the host's claim on it). */
export function takeRequest(files: SessionFiles, name: string, uid: number | null): TakenRequest {
  const file = path.join(files.inboxNew, name);
  let owner: number;
  try {
    owner = fs.lstatSync(file).uid;
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return { kind: 'gone' };
    throw e;
  }
  const bytes = readIfExists(file);
  removeIfExists(file);
  if (bytes === null) return { kind: 'gone' };
  // The inbox is a remote keyboard: only our own user may type into it.
  if (uid !== null && owner !== uid) return { kind: 'bad', why: `request owned by uid ${owner}, not ${uid}` };
  try {
    const o = JSON.parse(bytes.toString('utf8')) as Request;
    if (typeof o !== 'object' || o === null || o.v !== 1 || typeof o.op !== 'string') return { kind: 'bad', why: 'not a v1 request' };
    return { kind: 'ok', request: o };
  } catch {
    return { kind: 'bad', why: 'not JSON' };
  }
}

export function publishReply(files: SessionFiles, name: string, reply: Reply): void {
  writeAtomic(path.join(files.outbox, name), JSON.stringify(reply));
}

export function replyFile(files: SessionFiles, name: string): string {
  return path.join(files.outbox, name);
}

/** Reads and removes a reply, or null when it has not arrived. */
export function collectReply(files: SessionFiles, name: string): Reply | null {
  const file = replyFile(files, name);
  const bytes = readIfExists(file);
  if (bytes === null) return null;
  removeIfExists(file);
  try {
    const r = JSON.parse(bytes.toString('utf8')) as Reply;
    if (typeof r === 'object' && r !== null && typeof r.ok === 'boolean') return r;
  } catch {
    // fall through: the host publishes complete files, so this is someone else's debris
  }
  return { v: 1, ok: false, error: `unreadable reply ${name}` };
}

/** Removes replies nobody collected. */
export function sweepReplies(files: SessionFiles, nowMs: number): void {
  for (const name of listDir(files.outbox)) {
    const file = path.join(files.outbox, name);
    try {
      if (nowMs - fs.lstatSync(file).mtimeMs > REPLY_TTL_MS) removeIfExists(file);
    } catch (e) {
      if (!hasErrno(e, 'ENOENT')) throw e;
    }
  }
}

export function ensureMailDirs(files: SessionFiles): void {
  for (const d of [files.inboxTmp, files.inboxNew, files.outbox]) ensureDir(d);
}
