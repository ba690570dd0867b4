// Helpers for the session tests: start workers through the real CLI, wait on their
// files (fs.watch with deadlines, never sleeps), and kill whatever a test started
// by the pids its records name (checked against their start times).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TMP_ROOT, looop, waitFor } from './helpers.mjs';
import { running } from '../fixtures/chaos/proc.mjs';

export { running };

export const sessionDir = (dir, id) => path.join(dir, 'sessions', id);
export const recordFile = (dir, id) => path.join(sessionDir(dir, id), 'session.json');

export function record(dir, id) {
  try {
    return JSON.parse(fs.readFileSync(recordFile(dir, id), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * A fresh data dir for session tests. Its sessions are killed BEFORE the dir is
 * removed (after-hooks run in registration order, and the records name the pids).
 */
export function sessionsDataDir(t, label = 'looop-sess') {
  const dir = fs.mkdtempSync(path.join(TMP_ROOT, `${label}-`));
  t.after(() => {
    killEverything(dir);
    if (process.env.LOOOP_KEEP_TMP === '1') return;
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // A process killed just now may still be writing here: try again when the file exits.
      process.once('exit', () => {
        try {
          fs.rmSync(dir, { recursive: true, force: true });
        } catch {}
      });
    }
  });
  return dir;
}

/** SIGKILLs every host and child process group a data dir's records name (checked against start times). */
export function killEverything(dir) {
  let ids = [];
  try {
    ids = fs.readdirSync(path.join(dir, 'sessions'));
  } catch {
    return;
  }
  for (const id of ids) {
    const r = record(dir, id);
    if (r === null) continue;
    killRecorded(r.context);
  }
}

function killRecorded({ host, child }) {
  // The group id is only ours while its leader (or a member started after it) is ours.
  if (child !== null && child !== undefined && (running({ pid: child.pid, start: child.start }) || groupStartedSince(child.pgid, child.start))) {
    try {
      process.kill(-child.pgid, 'SIGKILL');
    } catch {}
  }
  if (running(host)) {
    try {
      process.kill(host.pid, 'SIGKILL');
    } catch {}
  }
}

function groupStartedSince(pgid, start) {
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) === pgid && f[0] !== 'Z' && BigInt(f[19]) >= BigInt(start ?? '0')) return true;
    } catch {}
  }
  return false;
}

/** Starts a worker with `worker start --command`; the test kills it at the end by its recorded pids. */
export function startWorker(t, dir, id, command, { env = {}, prompt = `test worker ${id}` } = {}) {
  const r = looop(dir, ['worker', 'start', id, prompt, '--command', command], { env });
  assert.equal(r.code, 0, `worker start ${id}: exit ${r.code}, stderr: ${r.stderr}`);
  assert.equal(r.stdout, `start-worker ${id} (command override)\n`);
  const rec = record(dir, id);
  if (rec !== null) t.after(() => killRecorded(rec.context));
  return r;
}

export async function waitState(dir, id, states, ms = 15_000) {
  const want = Array.isArray(states) ? states : [states];
  return waitFor(() => (want.includes(record(dir, id)?.state) ? record(dir, id) : null), {
    dir: sessionDir(dir, id),
    ms,
    what: `session ${id} to be ${want.join(' or ')}`,
    describe: () => JSON.stringify(record(dir, id)?.state),
  });
}

/** The last `bytes` of a file as text ('' when missing). */
export function tailText(file, bytes = 4096) {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(bytes, size);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

/** Waits until the session's output.log ends with text matching `re` (checked on its tail). */
export function waitOutput(dir, id, re, ms = 15_000, bytes = 4096) {
  const file = path.join(sessionDir(dir, id), 'output.log');
  return waitFor(() => re.test(tailText(file, bytes)), {
    dir: sessionDir(dir, id),
    ms,
    what: `output of ${id} to match ${re}`,
    describe: () => JSON.stringify(tailText(file, 300)),
  });
}

/** Waits until `file` exists and `check(text)` holds. */
export function waitFileText(file, check, what, ms = 15_000) {
  const read = () => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      return null;
    }
  };
  return waitFor(() => {
    const s = read();
    return s !== null && check(s) ? s : null;
  }, { dir: path.dirname(file), ms, what, describe: () => JSON.stringify(read()?.slice(-300) ?? null) });
}

/** One request through a host's inbox (the library path the CLI verbs use); resolves with the reply. */
export async function inboxRequest(lib, dir, id, op) {
  const files = lib.sessionFiles(lib.paths.resolvePaths({ LOOOP_DATA_DIR: dir }, dir), id);
  const name = lib.deliver(files, op, true);
  const reply = path.join(files.outbox, name);
  const text = await waitFileText(reply, (s) => s.length > 0, `the host's reply to ${op.op}`);
  fs.rmSync(reply, { force: true });
  return JSON.parse(text);
}
