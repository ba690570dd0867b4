// One user sensor `sensors/<stem>.sh` → `snapshots/sensor-<stem>.json` (reference §8.4).
// stdout is captured to `<name>.json.tmp` and published by rename; a failure of any
// kind publishes a normalized error blob instead, so the decider sees a broken
// sensor rather than a stale reading, and the blob's signal never carries volatile
// numbers (a byte count or a timestamp would defeat the skip gate every beat).
import path from 'node:path';
import { fs } from '../nodeFs.ts';
import { removeIfExists, writeAtomic } from '../store/fsio.ts';
import { readDataFile } from '../store/dataFile.ts';
import type { SensorExit, SensorSpawner } from './spawner.ts';
import { declaredInterval } from './cadence.ts';
import { snapshotSignal } from '../world/view.ts';

export interface UserSensorRun {
  readonly script: string;
  readonly snapshotsDir: string;
  /** `sensor-<stem>`. */
  readonly name: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** 0 = no deadline. */
  readonly timeoutMs: number;
  /** 0 = no cap. */
  readonly maxBytes: number;
  readonly now: () => Date;
  readonly spawner: SensorSpawner;
}

export type SensorOutcome =
  | { readonly kind: 'ok'; readonly name: string; readonly secs: number; readonly note: string | null }
  | { readonly kind: 'skipped'; readonly name: string }
  | { readonly kind: 'failed'; readonly name: string; readonly secs: number; readonly exitCode: number; readonly message: string };

export const TIMEOUT_RC = 124;
const STDERR_TAIL_BYTES = 1024;
const SCRIPT_HEAD_BYTES = 64 << 10;
export const TOO_LARGE_MESSAGE = 'sensor output too large — emit a small normalized {signal,detail} snapshot, not a raw dump';
export const BINARY_MESSAGE = 'sensor printed binary output — print one small JSON object {signal,detail}';

export function snapshotFiles(dir: string, name: string): { json: string; tmp: string; err: string } {
  return { json: path.join(dir, `${name}.json`), tmp: path.join(dir, `${name}.json.tmp`), err: path.join(dir, `${name}.err`) };
}

/** The last ≤1024 bytes of a file, decoded lossily and trimmed; '' when missing. */
export function readTail(file: string, max = STDERR_TAIL_BYTES): string {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return '';
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return '';
    const len = Math.min(max, st.size);
    const buf = Buffer.alloc(len);
    const n = fs.readSync(fd, buf, 0, len, st.size - len);
    return buf.subarray(0, n).toString('utf8').trim();
  } finally {
    fs.closeSync(fd);
  }
}

/** A cadence skip: a declared interval, a snapshot younger than it (future counts as fresh), and a script not edited since. */
function isFresh(run: UserSensorRun, files: { json: string }): boolean {
  const head = readDataFile(run.script, SCRIPT_HEAD_BYTES);
  if (head.kind !== 'ok') return false;
  const interval = declaredInterval(head.bytes.toString('utf8'));
  if (interval === null) return false;
  const snap = fs.lstatSync(files.json, { throwIfNoEntry: false });
  if (snap === undefined || !snap.isFile()) return false;
  if (head.mtimeMs > snap.mtimeMs) return false;
  return run.now().getTime() - snap.mtimeMs < interval * 1000;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}`;
}

function failureMessage(exit: SensorExit, timedOut: boolean, timeoutMs: number): string {
  if (exit.kind === 'spawn-failed') return `spawn failed: ${exit.message} — check the script's exec bit and shebang`;
  if (timedOut) return `sensor timed out after ${seconds(timeoutMs)}s (LOOOP_SENSOR_TIMEOUT)`;
  if (exit.kind === 'signaled') return `sensor killed by signal ${exit.signo} — an external kill (OOM, TERM), not a script bug`;
  return 'sensor exited non-zero — fix the script or its environment';
}

export function errorBlob(exitCode: number, message: string, stderr: string): string {
  return `${JSON.stringify({ signal: { error: true, exit_code: exitCode }, detail: { message, stderr } })}\n`;
}

function publishBlob(json: string, body: string, tmp: string): void {
  writeAtomic(json, body);
  removeIfExists(tmp);
}

/** Runs one user sensor to completion (or its deadline) and publishes its snapshot. Never throws for the script's faults. */
export async function runUserSensor(run: UserSensorRun): Promise<SensorOutcome> {
  const files = snapshotFiles(run.snapshotsDir, run.name);
  if (isFresh(run, files)) return { kind: 'skipped', name: run.name };
  const started = Date.now();
  const secs = (): number => (Date.now() - started) / 1000;
  const failed = (exitCode: number, message: string, stderr: string): SensorOutcome => {
    publishBlob(files.json, errorBlob(exitCode, message, stderr), files.tmp);
    return { kind: 'failed', name: run.name, secs: secs(), exitCode, message };
  };

  let out: number;
  let err: number;
  try {
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW;
    out = fs.openSync(files.tmp, flags, 0o600);
    try {
      err = fs.openSync(files.err, flags, 0o600);
    } catch (e) {
      fs.closeSync(out);
      throw e;
    }
  } catch {
    return failed(1, 'cannot create sensor capture files', '');
  }

  let timedOut = false;
  let exit: SensorExit;
  try {
    const child = run.spawner.spawn({ file: run.script, cwd: run.cwd, env: run.env, stdoutFd: out, stderrFd: err });
    const timer =
      run.timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            child.killGroup();
          }, run.timeoutMs)
        : null;
    try {
      exit = await child.exit;
    } finally {
      if (timer !== null) clearTimeout(timer);
    }
  } finally {
    fs.closeSync(out);
    fs.closeSync(err);
  }

  const rc = exit.kind === 'spawn-failed' ? 1 : timedOut ? TIMEOUT_RC : exit.kind === 'signaled' ? 128 + exit.signo : exit.code;
  if (rc !== 0) return failed(rc, failureMessage(exit, timedOut, run.timeoutMs), readTail(files.err));
  if (fs.statSync(files.err).size === 0) removeIfExists(files.err);
  return publishOutput(run, files, secs);
}

function publishOutput(run: UserSensorRun, files: ReturnType<typeof snapshotFiles>, secs: () => number): SensorOutcome {
  const size = fs.statSync(files.tmp).size;
  if (run.maxBytes > 0 && size > run.maxBytes) {
    const blob = { signal: { error: 'too-large', cap: run.maxBytes }, detail: { bytes: size, message: TOO_LARGE_MESSAGE } };
    publishBlob(files.json, `${JSON.stringify(blob)}\n`, files.tmp);
    return { kind: 'ok', name: run.name, secs: secs(), note: `printed ${size} bytes, over the ${run.maxBytes}-byte cap (LOOOP_SENSOR_MAX_BYTES)` };
  }
  const read = readDataFile(files.tmp, Math.max(size, 1));
  const bytes = read.kind === 'ok' ? read.bytes : Buffer.alloc(0);
  if (bytes.includes(0) || !isUtf8(bytes)) {
    const blob = { signal: { error: 'binary' }, detail: { bytes: bytes.length, message: BINARY_MESSAGE } };
    publishBlob(files.json, `${JSON.stringify(blob)}\n`, files.tmp);
    return { kind: 'failed', name: run.name, secs: secs(), exitCode: 0, message: BINARY_MESSAGE };
  }
  try {
    fs.renameSync(files.tmp, files.json);
  } catch {
    return { kind: 'failed', name: run.name, secs: secs(), exitCode: 1, message: 'cannot publish the sensor snapshot (rename failed)' };
  }
  // Upstream publishes non-JSON text as is (hashed raw); we keep it but say so.
  const note = snapshotSignal(bytes) === null ? 'printed text that is not JSON — print one small JSON object {signal,detail}' : null;
  return { kind: 'ok', name: run.name, secs: secs(), note };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}
