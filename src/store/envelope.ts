// The versioned envelope every persisted machine lives in. Reading it needs no
// XState: read-only verbs validate the shape and trust `state` + `context`.
import path from 'node:path';
import { readDataFile } from './dataFile.ts';

export const ENVELOPE_VERSION = 1;

export interface Envelope<C> {
  readonly v: 1;
  /** `<machine name>@<machine version>`, e.g. `ask@1`. */
  readonly machine: string;
  readonly rev: number;
  readonly state: string;
  readonly context: C;
  /** XState's persisted snapshot minus `value` and `context`, which are lifted above. */
  readonly snapshot: Record<string, unknown>;
  readonly updatedAt: string;
}

export interface EntityKind<C> {
  readonly name: string;
  readonly version: number;
  readonly states: readonly string[];
  readonly contextProblem: (c: unknown) => string | null;
}

export type EntityRead<C> =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ok'; readonly envelope: Envelope<C>; readonly bytes: Buffer }
  | { readonly kind: 'invalid'; readonly file: string; readonly problem: string; readonly newer: boolean };

/** Files bigger than this are not machine records; refuse to parse them into memory. */
const MAX_RECORD_BYTES = 1 << 20;

function invalid<C>(file: string, problem: string, newer = false): EntityRead<C> {
  return { kind: 'invalid', file, problem, newer };
}

export function machineTag(kind: EntityKind<unknown>): string {
  return `${kind.name}@${kind.version}`;
}

/** Parses and validates an envelope from bytes already read. */
export function parseEnvelope<C>(file: string, bytes: Buffer, kind: EntityKind<C>): EntityRead<C> {
  if (bytes.length === 0) return invalid(file, 'the file is empty');
  if (bytes.length > MAX_RECORD_BYTES) return invalid(file, `the file is ${bytes.length} bytes, too big for a record`);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    return invalid(file, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return invalid(file, 'not a JSON object');
  const o = raw as Record<string, unknown>;
  if (typeof o.v !== 'number') return invalid(file, 'missing envelope version "v"');
  if (o.v !== ENVELOPE_VERSION) {
    return invalid(file, `envelope v${String(o.v)} is not one this looop knows (v${ENVELOPE_VERSION})`, o.v > ENVELOPE_VERSION);
  }
  if (typeof o.machine !== 'string') return invalid(file, 'missing "machine"');
  const [name, version] = o.machine.split('@');
  if (name !== kind.name) return invalid(file, `holds a "${o.machine}" record, not a "${machineTag(kind)}" one`);
  if (Number(version) !== kind.version) {
    return invalid(file, `holds ${o.machine}, but this looop knows ${machineTag(kind)}`, Number(version) > kind.version);
  }
  if (typeof o.rev !== 'number' || !Number.isInteger(o.rev) || o.rev < 1) return invalid(file, '"rev" must be a positive integer');
  if (typeof o.state !== 'string' || !kind.states.includes(o.state)) {
    return invalid(file, `"state" must be one of ${kind.states.join(', ')}`);
  }
  const problem = kind.contextProblem(o.context);
  if (problem !== null) return invalid(file, problem);
  if (typeof o.snapshot !== 'object' || o.snapshot === null || Array.isArray(o.snapshot)) return invalid(file, '"snapshot" must be an object');
  if (typeof o.updatedAt !== 'string') return invalid(file, '"updatedAt" must be a string');
  return { kind: 'ok', envelope: o as unknown as Envelope<C>, bytes };
}

/** Reads an entity file. Absent is not an error; anything unreadable is `invalid`. */
export function readEntity<C>(file: string, kind: EntityKind<C>): EntityRead<C> {
  const r = readDataFile(file, MAX_RECORD_BYTES);
  if (r.kind === 'absent') return r;
  if (r.kind === 'refused') return invalid(file, r.reason === 'symlink' ? 'is a symbolic link; records must be regular files' : r.problem);
  return parseEnvelope(file, r.bytes, kind);
}

/** One line for stderr naming the file, what is wrong, and what to do. */
export function describeInvalid(dataDir: string, r: { file: string; problem: string; newer: boolean }): string {
  const rel = path.relative(dataDir, r.file) || r.file;
  const next = r.newer
    ? 'it was written by a newer looop; upgrade looop to read it (left untouched)'
    : 'fix or remove it by hand; looop leaves it untouched';
  return `${rel}: ${r.problem} — ${next}`;
}
