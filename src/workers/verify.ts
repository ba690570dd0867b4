// Judging workers' post-conditions (reference §7.5): at the start of a beat's
// sensing, every ended worker with a stored verify command and no verdict has that
// command run once, and the verdict is recorded for good. The pulse alone calls
// this. It fails closed: a fleet it cannot read defers every judgement, a command
// file it cannot read is a FAIL, and nothing here ever writes a pass it did not see.
import { spawn } from 'node:child_process';
import { registerGroup } from '../proc/childGroups.ts';
import os from 'node:os';
import path from 'node:path';
import type { Ctx } from '../context.ts';
import { unixSeconds } from '../context.ts';
import { hasErrno } from '../errors.ts';
import { PULSE_ID, idProblem } from '../ids.ts';
import { fs } from '../nodeFs.ts';
import { isAlive, isLocal } from '../proc/processIdentity.ts';
import { listFleet, readSession, type SessionInfo } from '../sessions/fleet.ts';
import { sessionGroupMembers } from '../sessions/groupKill.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';
import { readDataFile } from '../store/dataFile.ts';
import { createExclusive, removeIfExists } from '../store/fsio.ts';
import type { PulseLog } from '../log/pulseLog.ts';
import { MAX_CMD_BYTES, cmdFile, verdictFile, verifyDir, type VerdictRecord, type VerdictWord } from './verdict.ts';
import { killGroup } from '../proc/killGroup.ts';
import { tailChars } from '../store/tailText.ts';

export type VerifyEvent =
  | { readonly kind: 'judged'; readonly id: string; readonly verdict: VerdictWord; readonly cmd: string; readonly exitCode: number | null }
  | { readonly kind: 'deferred'; readonly id: string; readonly budgetS: number }
  | { readonly kind: 'skipped'; readonly reason: string; readonly id?: string };

export type VerifyExit =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: string }
  | { readonly kind: 'spawn-failed'; readonly message: string };

export interface VerifyProcess {
  /** Its group leader's pid (null when the spawn failed): the pulse's group tracker keys on it. */
  readonly pid: number | null;
  readonly exit: Promise<VerifyExit>;
  /** SIGKILL to the command's whole process group. */
  killGroup(): void;
}

export interface VerifyRequest {
  readonly cmd: string;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where its stdout and stderr both go. */
  readonly outFd: number;
}

/** How a verify command becomes a process: the seam tests may replace. */
export type VerifySpawn = (req: VerifyRequest) => VerifyProcess;

export interface ReconcileOptions {
  /** Judging stops starting new commands once this much time has gone (default LOOOP_VERIFY_BEAT_BUDGET_SECS). */
  readonly budgetMs?: number;
  readonly spawn?: VerifySpawn;
}

const DEFAULT_TIMEOUT_SECS = 60;
const DEFAULT_BUDGET_SECS = 120;
/** What a verdict keeps of the command's output. */
export const OUTPUT_CHARS = 2048;
/** A command with no session is a start in progress until it is this old; then it is debris. */
const ORPHAN_CMD_MS = 30_000;

function knob(ctx: Ctx, name: string, fallback: number): number {
  const raw = ctx.env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (/^\d+$/.test(raw)) return Number(raw);
  ctx.warn(`env:${name}`, `${name}=${JSON.stringify(raw)} is not a whole number of seconds — using ${fallback}`);
  return fallback;
}

export const verifyTimeoutSecs = (ctx: Ctx): number => knob(ctx, 'LOOOP_VERIFY_TIMEOUT_SECS', DEFAULT_TIMEOUT_SECS);
export const verifyBudgetSecs = (ctx: Ctx): number => knob(ctx, 'LOOOP_VERIFY_BEAT_BUDGET_SECS', DEFAULT_BUDGET_SECS);

/** A command as one log line: controls become spaces, and a long one is clipped with `…`. */
export function clipCmd(cmd: string, max = 256): string {
  const one = cmd.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/gu, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

export const nodeVerifySpawn: VerifySpawn = (req) => {
  // Its own process group (detached), so the deadline kills everything it forked.
  const child = spawn('bash', ['-c', '--', req.cmd], { cwd: req.cwd, env: req.env, detached: true, stdio: ['ignore', req.outFd, req.outFd] });
  const exit = new Promise<VerifyExit>((resolve) => {
    child.once('error', (e) => resolve({ kind: 'spawn-failed', message: e.message }));
    child.once('exit', (code, signal) => resolve(signal !== null ? { kind: 'signaled', signal } : { kind: 'exited', code: code ?? 0 }));
  });
  registerGroup(child.pid, exit);
  return {
    pid: child.pid ?? null,
    exit,
    killGroup() {
      if (child.pid !== undefined) killGroup(child.pid);
    },
  };
};

interface Outcome {
  readonly verdict: VerdictWord;
  readonly exitCode: number | null;
  readonly output: string;
}

/** Runs `cmd` once as `bash -c` in the data dir under the deadline. Never throws for the command's own failure. */
export async function runVerifyCommand(ctx: Ctx, id: string, cmd: string, timeoutSecs: number, spawnFn: VerifySpawn = nodeVerifySpawn): Promise<Outcome> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'looop-verify-'));
  const outFile = path.join(dir, 'output');
  try {
    const fd = fs.openSync(outFile, 'w', 0o600);
    let exit: VerifyExit;
    let timedOut = false;
    try {
      const proc = spawnFn({ cmd, cwd: ctx.paths.dataDir, env: { ...ctx.env, LOOOP_SESSION_ID: id }, outFd: fd });
      const timer =
        timeoutSecs > 0
          ? setTimeout(() => {
              timedOut = true;
              proc.killGroup();
            }, timeoutSecs * 1000)
          : null;
      try {
        exit = await proc.exit;
      } finally {
        if (timer !== null) clearTimeout(timer);
      }
    } finally {
      fs.closeSync(fd);
    }
    const note = timedOut
      ? `timed out after ${timeoutSecs}s (LOOOP_VERIFY_TIMEOUT_SECS) — process group killed`
      : exit.kind === 'spawn-failed'
        ? `could not start bash: ${exit.message}`
        : exit.kind === 'signaled'
          ? `killed by ${exit.signal}`
          : null;
    let output = tailChars(outFile, OUTPUT_CHARS);
    if (note !== null) output = `${output}${output === '' || output.endsWith('\n') ? '' : '\n'}${note}`.slice(-OUTPUT_CHARS);
    const exitCode = !timedOut && exit.kind === 'exited' ? exit.code : null;
    return { verdict: exitCode === 0 ? 'pass' : 'fail', exitCode, output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The stored command, or why it cannot be run (a FAIL), or null when it vanished (cleared meanwhile). */
function storedCommand(ctx: Ctx, id: string): { readonly cmd: string; readonly bytes: Buffer } | { readonly problem: string } | null {
  const rel = `verify/${id}.cmd`;
  const r = readDataFile(cmdFile(ctx, id), MAX_CMD_BYTES);
  if (r.kind === 'absent') return null;
  if (r.kind === 'refused') return { problem: `${rel} ${r.problem}` };
  const cmd = r.bytes.toString('utf8').trim();
  // An empty command would "pass" without checking anything; a NUL byte cannot reach bash.
  if (cmd === '') return { problem: `${rel} is empty` };
  if (cmd.includes('\u0000')) return { problem: `${rel} holds a NUL byte` };
  return { cmd, bytes: r.bytes };
}

/** Judges one ended worker; null when there turned out to be nothing to judge. */
async function judge(ctx: Ctx, s: SessionInfo, timeoutSecs: number, spawnFn: VerifySpawn | undefined): Promise<VerifyEvent | null> {
  const stored = storedCommand(ctx, s.id);
  if (stored === null) return null;
  let cmd: string;
  let outcome: Outcome;
  if ('problem' in stored) {
    cmd = '(unreadable)';
    outcome = { verdict: 'fail', exitCode: null, output: `${stored.problem} — recorded as FAIL (a verify command that cannot be read never passes)` };
  } else {
    cmd = stored.cmd;
    outcome = await runVerifyCommand(ctx, s.id, cmd, timeoutSecs, spawnFn);
    // The command took time: if the id began a new generation meanwhile, this verdict is not its.
    const now = storedCommand(ctx, s.id);
    const again = readSession(ctx, s.id);
    if (now === null || 'problem' in now || !now.bytes.equals(stored.bytes) || again.kind !== 'ok' || again.info.startedAt !== s.startedAt || again.info.alive) {
      return { kind: 'skipped', id: s.id, reason: `${s.id}: its session or verify command changed while it was being judged — no verdict recorded` };
    }
  }
  const record: VerdictRecord = { v: 1, verdict: outcome.verdict, exit_code: outcome.exitCode, output: outcome.output, cmd, ts: unixSeconds(ctx.now()), started_at: s.startedAt };
  // Exclusive create: a verdict is final, and whoever recorded one first wins.
  if (!createExclusive(verdictFile(ctx, s.id), `${JSON.stringify(record)}\n`)) return null;
  return { kind: 'judged', id: s.id, verdict: outcome.verdict, cmd, exitCode: outcome.exitCode };
}

/** Ids with a stored command and no verdict yet, sorted; throws when verify/ cannot be listed. */
function pendingIds(ctx: Ctx): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(verifyDir(ctx));
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return [];
    throw e;
  }
  const all = new Set(names);
  return names
    .filter((n) => n.endsWith('.cmd') && !n.startsWith('.'))
    .map((n) => n.slice(0, -'.cmd'.length))
    .filter((id) => idProblem(id) === null && id !== PULSE_ID && !all.has(`${id}.json`))
    .sort();
}

/** A host that vanished without recording an end may have left its worker running. */
function childRunning(ctx: Ctx, s: SessionInfo): boolean {
  if (s.state !== 'dead') return false;
  const r = readSession(ctx, s.id);
  if (r.kind !== 'ok') return false;
  const { host, child } = r.envelope.context;
  // A host from another PID namespace: its child's pid means nothing here.
  if (child === null || (host !== null && !isLocal(host))) return false;
  // Its leader may be gone (the hangup) while the work runs on in its group.
  return isAlive({ pid: child.pid, start: child.start }) || sessionGroupMembers(child.pgid, child.start).length > 0;
}

/** A command whose session is gone for good (no directory, and not a start in progress) is cleared. */
function clearOrphan(ctx: Ctx, id: string): VerifyEvent | null {
  if (fs.existsSync(sessionFiles(ctx.paths, id).dir)) return null; // a start in progress, or an unreadable record: keep
  const st = fs.lstatSync(cmdFile(ctx, id), { throwIfNoEntry: false });
  if (st === undefined || ctx.now().getTime() - st.mtimeMs < ORPHAN_CMD_MS) return null;
  removeIfExists(cmdFile(ctx, id));
  return { kind: 'skipped', id, reason: `${id}: its session is gone — cleared verify/${id}.cmd without a verdict` };
}

/**
 * Judges every ended worker that owes a verdict, within the beat's budget; the rest
 * are deferred untouched to the next beat. Returns what happened, for the pulse's log.
 */
export async function reconcileVerify(ctx: Ctx, opts: ReconcileOptions = {}): Promise<VerifyEvent[]> {
  let ids: string[];
  try {
    ids = pendingIds(ctx);
  } catch (e) {
    return [{ kind: 'skipped', reason: `cannot list verify/ (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}) — deferring every pending verify to the next beat` }];
  }
  if (ids.length === 0) return [];
  let fleet: Map<string, SessionInfo>;
  try {
    fleet = new Map(listFleet(ctx).map((s) => [s.id, s]));
  } catch (e) {
    return [{ kind: 'skipped', reason: `cannot enumerate the fleet (${(e as Error).message}) — deferring every pending verify to the next beat` }];
  }
  const budgetMs = opts.budgetMs ?? verifyBudgetSecs(ctx) * 1000;
  const timeoutSecs = verifyTimeoutSecs(ctx);
  // A monotonic clock: a wall-clock jump must neither spend a whole beat judging nor skip judging.
  const started = performance.now();
  const events: VerifyEvent[] = [];
  for (const id of ids) {
    const s = fleet.get(id);
    try {
      if (s === undefined) {
        const cleared = clearOrphan(ctx, id);
        if (cleared !== null) events.push(cleared);
        continue;
      }
      if (s.alive || childRunning(ctx, s)) continue; // never judged while it may still be working
      if (performance.now() - started >= budgetMs) {
        events.push({ kind: 'deferred', id, budgetS: Math.round(budgetMs / 1000) });
        continue;
      }
      const e = await judge(ctx, s, timeoutSecs, opts.spawn);
      if (e !== null) events.push(e);
    } catch (e) {
      // One worker's unreadable files must not keep the others from being judged.
      events.push({ kind: 'skipped', id, reason: `${id}: cannot judge it now (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}) — retrying next beat` });
    }
  }
  return events;
}

/** The pulse's log lines for what reconcileVerify did. */
export function logVerify(log: Pick<PulseLog, 'info' | 'warn'>, events: readonly VerifyEvent[]): void {
  let deferred = false;
  for (const e of events) {
    if (e.kind === 'judged') {
      const line = `${e.id}: postcondition ${e.verdict === 'pass' ? 'pass' : 'FAIL'} — $ ${clipCmd(e.cmd)}`;
      const fields = { session: e.id, verdict: e.verdict, cmd: e.cmd, exit_code: e.exitCode };
      if (e.verdict === 'pass') log.info('worker.verify', line, fields);
      else log.warn('worker.verify', line, fields);
    } else if (e.kind === 'deferred') {
      // One line for the lot: the first deferred id stands for the rest.
      if (!deferred) log.warn('worker.verify_deferred', `per-beat verify budget exhausted (LOOOP_VERIFY_BEAT_BUDGET_SECS=${e.budgetS}s) — deferring ${e.id} (and any remaining) to the next beat`, { session: e.id });
      deferred = true;
    } else {
      log.warn('worker.verify_skipped', e.reason, e.id === undefined ? {} : { session: e.id });
    }
  }
}
