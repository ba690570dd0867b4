// Notifications: `notify_command` from config.json runs once for each new event —
// a new pending ask, and (with `notify_on`) a worker turning stuck or dead, or the
// pulse going down — with the event as JSON on stdin and in LOOOP_* variables.
//
// Exactly once, in practice; at-most-once, strictly. The event's ledger marker
// (ledger.ts) is created before the notifier is spawned, so a pulse that dies and a
// pulse that starts after it can never both notify the same event: a duplicate is
// spam a human cannot undo, the failure users of such tools complain about. The
// window in which an event can be lost is the instant between the marker's fsync and
// the spawn: the notifier runs in a process group of its own, so a pulse dying while
// it runs does not take it along, and it delivers anyway. A notifier that fails is
// logged, not retried: a retry could not tell "failed" from "sent, then failed".
import type { AskContext } from '../../machines/askTypes.ts';
import { loadConfig, type LooopConfig, type NotifyKind } from '../config/config.ts';
import type { Ctx } from '../context.ts';
import { idProblem } from '../ids.ts';
import type { PulseLog } from '../log/pulseLog.ts';
import { askFile } from '../mailbox/askKind.ts';
import { surveyAsks } from '../mailbox/askSurvey.ts';
import { fs } from '../nodeFs.ts';
import { listFleet, type SessionInfo } from '../sessions/fleet.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';
import type { Envelope } from '../store/envelope.ts';
import { workerJudge, type WorkerFacts } from '../workers/health.ts';
import { claimEvent, errFile, inFile, present, pruneLedger } from './ledger.ts';
import { notifyTimeoutS, startNotifier } from './run.ts';
import path from 'node:path';

/** What the beat sensed, as far as notifications care. */
export interface Sensed {
  readonly asks: readonly Envelope<AskContext>[];
  readonly workers: readonly { readonly info: SessionInfo; readonly facts: WorkerFacts }[];
}

export interface NotifyEvent {
  readonly kind: NotifyKind;
  /** Names the event in the ledger: the same event always has the same key. */
  readonly key: string;
  /** The one-line subject for the log. */
  readonly subject: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly vars: Readonly<Record<string, string>>;
}

const MAX_VAR_CHARS = 8000;
const PULSE_DOWN_KEEP_MS = 30 * 24 * 3600 * 1000;
const VARS = ['LOOOP_EVENT', 'LOOOP_EVENT_KEY', 'LOOOP_ASK_ID', 'LOOOP_WORKER', 'LOOOP_PROMPT', 'LOOOP_REF', 'LOOOP_OPTIONS', 'LOOOP_HEALTH', 'LOOOP_IDLE_S', 'LOOOP_PULSE_PID', 'LOOOP_REASON'];

/** An environment value cannot hold NUL, and one huge value could fail the exec: the whole text is on stdin. */
function varText(s: string): string {
  const clean = s.replaceAll('\0', '');
  return clean.length > MAX_VAR_CHARS ? `${clean.slice(0, MAX_VAR_CHARS)}…` : clean;
}

function askEvent(a: AskContext): NotifyEvent {
  return {
    kind: 'ask',
    key: a.id,
    subject: `ask ${a.id}`,
    payload: { ask_id: a.id, worker: a.worker, prompt: a.prompt, reference: a.reference, options: a.options, asked_at: new Date(a.ts * 1000).toISOString() },
    vars: { LOOOP_ASK_ID: a.id, LOOOP_WORKER: a.worker, LOOOP_PROMPT: a.prompt, LOOOP_REF: a.reference ?? '', LOOOP_OPTIONS: a.options.join('\n') },
  };
}

function workerEvent(kind: 'stuck' | 'dead', key: string, w: SessionInfo, f: WorkerFacts): NotifyEvent {
  return {
    kind,
    key,
    subject: `worker ${w.id} ${kind}`,
    payload: { worker: w.id, health: f.health, idle_s: f.idle_s, uptime_s: f.uptime_s, started_at: w.startedAt },
    vars: { LOOOP_WORKER: w.id, LOOOP_HEALTH: f.health, LOOOP_IDLE_S: f.idle_s === null ? '' : String(f.idle_s) },
  };
}

/** A stuck spell is named by the worker's last output: printing again and going quiet again is a new spell. */
function stuckKey(ctx: Ctx, id: string): string | null {
  const st = fs.statSync(sessionFiles(ctx.paths, id).output, { throwIfNoEntry: false });
  return st === undefined ? null : `${id}-${Math.floor(st.mtimeMs / 1000)}`;
}

/** Every event the sensed world holds, new or not (the ledger tells which are new). */
export function eventsOf(ctx: Ctx, sensed: Sensed, on: readonly NotifyKind[]): NotifyEvent[] {
  const out: NotifyEvent[] = [];
  if (on.includes('ask')) {
    for (const a of sensed.asks) if (idProblem(a.context.id) === null) out.push(askEvent(a.context));
  }
  for (const { info, facts } of sensed.workers) {
    if (idProblem(info.id) !== null) continue;
    if (on.includes('dead') && facts.health === 'dead') out.push(workerEvent('dead', info.id, info, facts));
    if (on.includes('stuck') && facts.health === 'stuck') {
      const key = stuckKey(ctx, info.id);
      if (key !== null) out.push(workerEvent('stuck', key, info, facts));
    }
  }
  return out;
}

export interface NotifyOptions {
  /** Where the notifier runs: the directory `looop up` was started from, as for sensors. */
  readonly cwd: string;
}

/** Spawns the notifier for one event this caller has just claimed; returns at once. */
function send(ctx: Ctx, command: string, ev: NotifyEvent, log: PulseLog, opts: NotifyOptions): void {
  const at = ctx.now().toISOString();
  const payload = { v: 1, event: ev.kind, key: ev.key, at, data_dir: ctx.paths.dataDir, ...ev.payload };
  const env: NodeJS.ProcessEnv = { ...ctx.env };
  for (const k of VARS) delete env[k];
  env.LOOOP_DATA_DIR = ctx.paths.dataDir;
  env.LOOOP_EVENT = ev.kind;
  env.LOOOP_EVENT_KEY = varText(ev.key);
  for (const [k, v] of Object.entries(ev.vars)) env[k] = varText(v);
  log.info('notify', `notifying ${ev.subject}`, { kind: ev.kind, key: ev.key });
  startNotifier(
    { command, cwd: opts.cwd, env, stdin: `${JSON.stringify(payload)}\n`, timeoutS: notifyTimeoutS(ctx.env, ctx.warn), errFile: errFile(ctx.paths, ev.kind, ev.key), inFile: inFile(ctx.paths, ev.kind, ev.key) },
    (o) => {
      if (o.kind === 'ok') log.ok('notify.sent', `notified ${ev.subject}`, { kind: ev.kind, key: ev.key });
      else log.warn('notify.fail', `notify_command for ${ev.subject} ${o.problem} — not retried`, { kind: ev.kind, key: ev.key });
    },
  );
}

/** Claims and sends each event not notified before. Returns the events sent. */
export function notifyNew(ctx: Ctx, config: Pick<LooopConfig, 'notifyCommand' | 'notifyOn'>, sensed: Sensed, log: PulseLog, opts: NotifyOptions): NotifyEvent[] {
  const command = config.notifyCommand;
  if (command === null) return [];
  const sent: NotifyEvent[] = [];
  const nowIso = ctx.now().toISOString();
  for (const ev of eventsOf(ctx, sensed, config.notifyOn)) {
    if (!claimEvent(ctx.paths, ev.kind, ev.key, nowIso)) continue;
    send(ctx, command, ev, log, opts);
    sent.push(ev);
  }
  pruneLedger(ctx.paths, (kind, key) => {
    if (kind === 'ask') return !present(askFile(ctx.paths, key));
    if (kind === 'pulse_down') return Number(/-(\d+)$/.exec(key)?.[1] ?? 0) < ctx.now().getTime() - PULSE_DOWN_KEEP_MS;
    const worker = kind === 'stuck' ? /^(.*)-\d+$/.exec(key)?.[1] : key;
    return worker === undefined || !present(path.join(ctx.paths.sessions, worker));
  });
  return sent;
}

/** The beat's one call: reads the config, senses what notifications need, sends what is new. Never throws. */
export async function notifyBeat(ctx: Ctx, log: PulseLog, opts: NotifyOptions): Promise<void> {
  let config: LooopConfig;
  try {
    config = loadConfig(ctx.paths);
  } catch {
    return; // The beat reports a bad config itself.
  }
  if (config.notifyCommand === null) return;
  try {
    const { pending } = await surveyAsks(ctx, { repair: false });
    const wantWorkers = config.notifyOn.includes('stuck') || config.notifyOn.includes('dead');
    const fleet = wantWorkers ? listFleet(ctx) : [];
    const judge = workerJudge(ctx, pending);
    notifyNew(ctx, config, { asks: pending, workers: fleet.map((info) => ({ info, facts: judge(info) })) }, log, opts);
  } catch (e) {
    log.warn('notify.fail', `could not notify: ${(e as Error).message}`);
  }
}

/** With the pid, names this pulse process in the ledger: one pulse_down per pulse. */
const LOADED_MS = Date.now();

/**
 * The pulse going down (with `notify_on` holding "pulse_down"), called by the loop as
 * it stops for any reason it lives to see: `looop down`, a signal, an error. A pulse
 * killed outright (SIGKILL, the machine) cannot say so: `looop wait` exits 2 for that.
 */
export function notifyPulseDown(ctx: Ctx, log: PulseLog, opts: NotifyOptions & { readonly reason: string }): void {
  try {
    const config = loadConfig(ctx.paths);
    if (config.notifyCommand === null || !config.notifyOn.includes('pulse_down')) return;
    const ev: NotifyEvent = {
      kind: 'pulse_down',
      key: `${process.pid}-${LOADED_MS}`,
      subject: 'the pulse going down',
      payload: { pid: process.pid, reason: opts.reason },
      vars: { LOOOP_PULSE_PID: String(process.pid), LOOOP_REASON: opts.reason },
    };
    if (claimEvent(ctx.paths, ev.kind, ev.key, ctx.now().toISOString())) send(ctx, config.notifyCommand, ev, log, opts);
  } catch (e) {
    log.warn('notify.fail', `could not notify the pulse going down: ${(e as Error).message}`);
  }
}
