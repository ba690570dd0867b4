// What `state` says about the beat: the pulse's beat record (beat.json), read as it
// is, without the machine (XState is not loaded to look). A record that cannot be read
// is one line naming it, never a crash: `state` is how a human finds out what is wrong.
import type { Paths } from '../paths.ts';
import { readEntity, describeInvalid } from '../store/envelope.ts';
import { BEAT_KIND, beatFile } from '../pulse/beatKind.ts';
import type { Warn } from './world.ts';

export interface PulseView {
  readonly phase: string;
  /** When the current phase began (ISO). */
  readonly since: string;
  readonly run_id: string | null;
  /** Consecutive failed decides (the backoff counter). */
  readonly failures: number;
  readonly last_decision: { readonly run_id: string; readonly action: string; readonly summary: string; readonly at: string } | null;
  /** How the last beat ended without a decision (`unchanged`, `failed: …`), or null. */
  readonly last_outcome: string | null;
  /** A beat a previous pulse left mid-way, until the next pulse reports it. */
  readonly interrupted: { readonly phase: string; readonly run_id: string | null; readonly pid: number; readonly at: string } | null;
}

/** The beat record as `state` shows it; null when there is none (no pulse ever ran) or it is unreadable. */
export function readPulseView(paths: Paths, warn: Warn): PulseView | null {
  const file = beatFile(paths);
  const r = readEntity(file, BEAT_KIND);
  if (r.kind === 'absent') return null;
  if (r.kind === 'invalid') {
    warn(`invalid:${file}`, `${describeInvalid(paths.dataDir, r)}; state shows no beat meanwhile`);
    return null;
  }
  const c = r.envelope.context;
  const d = c.lastDecision;
  const i = c.interrupted;
  return {
    phase: r.envelope.state,
    since: c.phaseSince,
    run_id: c.runId,
    failures: c.failures,
    last_decision: d === null ? null : { run_id: d.runId, action: d.action, summary: d.summary, at: d.at },
    last_outcome: c.lastOutcome,
    interrupted: i === null ? null : { phase: i.phase, run_id: i.runId, pid: i.pid, at: i.at },
  };
}
