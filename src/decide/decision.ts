// The decider does not answer on stdout: it writes one JSON object to
// `.decision.json` in the data dir. This reads that file as hostile input (bounded,
// no symlink, no FIFO) and turns it into a typed move, or into one line saying what
// is wrong with it and naming the file. Deleting the file (one-shot) is the caller's.
import { readDataFile } from '../store/dataFile.ts';
import { actionSchema, isActionName, ACTION_NAMES, type Action } from '../actions/action.ts';

export const DECISION_FILE = '.decision.json';
/** A move is a few KB; a playbook body is the biggest legitimate field. */
export const MAX_DECISION_BYTES = 1 << 20;

export interface Decision {
  readonly action: Action;
  /** One journal line the decider chose ('' when it gave none). */
  readonly journal: string;
  /** The decider's requested pause before the next beat, when it gave a usable one. */
  readonly nextIntervalS: number | null;
}

export type DecisionProblem = 'missing' | 'unreadable' | 'too-big' | 'malformed-json' | 'unknown-action' | 'invalid-fields';

export type DecisionRead =
  | { readonly kind: 'ok'; readonly decision: Decision }
  | { readonly kind: DecisionProblem; readonly message: string };

const ONE_LINE_MAX = 400;

function oneLine(s: string): string {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > ONE_LINE_MAX ? `${flat.slice(0, ONE_LINE_MAX)}…` : flat;
}

/** Strips one Markdown code fence (```json … ```), the way chat models like to wrap JSON. */
export function stripFence(text: string): string {
  const t = text.trim();
  if (!t.startsWith('```')) return t;
  const nl = t.indexOf('\n');
  if (nl < 0) return t;
  const inner = t.slice(nl + 1).trimEnd();
  if (!inner.endsWith('```')) return t; // unterminated: leave it for JSON.parse to refuse
  return inner.slice(0, -3).trim();
}

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : 'the move'}: ${i.message}`).join('; ');
}

/** Parses the text of a decision file. Pure: `file` only names it in messages. */
export function parseDecision(text: string, file: string): DecisionRead {
  const body = stripFence(text.replace(/^\uFEFF/, ''));
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return { kind: 'malformed-json', message: oneLine(`${file} is not valid JSON (${(e as Error).message}); write exactly one JSON object`) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'malformed-json', message: `${file} must hold one JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}` };
  }
  const o = value as Record<string, unknown>;
  if (!isActionName(o.action)) {
    const what = o.action === undefined ? 'has no "action"' : `has an unknown "action" ${oneLine(JSON.stringify(o.action) ?? String(o.action)).slice(0, 80)}`;
    return { kind: 'unknown-action', message: `${file} ${what}; use one of ${ACTION_NAMES.join(', ')}` };
  }
  const parsed = actionSchema.safeParse(o);
  if (!parsed.success) {
    return { kind: 'invalid-fields', message: oneLine(`${file}: ${o.action} ${describeIssues(parsed.error.issues)}`) };
  }
  const journal = typeof o.journal === 'string' ? o.journal : '';
  const n = o.next_interval_s;
  const nextIntervalS = typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
  return { kind: 'ok', decision: { action: parsed.data, journal, nextIntervalS } };
}

/** Reads and parses the decision file under the data-dir reading policy. */
export function readDecision(file: string, maxBytes: number = MAX_DECISION_BYTES): DecisionRead {
  const r = readDataFile(file, maxBytes);
  if (r.kind === 'absent') return { kind: 'missing', message: `${file} was not written; the runner must write exactly one JSON move there, then stop` };
  if (r.kind === 'refused') {
    const kind = r.reason === 'too-big' ? 'too-big' : 'unreadable';
    return { kind, message: `${file} ${r.problem}; a decision may exist but could not be consumed` };
  }
  return parseDecision(r.bytes.toString('utf8'), file);
}
