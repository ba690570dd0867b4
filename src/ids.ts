import { LooopError } from './errors.ts';

export type IdKind = 'ask id' | 'worker id' | 'claim name' | 'session id' | 'goal id' | 'sensor id' | 'schedule name';

export const PULSE_ID = 'pulse';

/**
 * The longest id, in bytes. A file named after one stays well under the 255-byte
 * name limit even as a temp (`.<id>.json.<pid>.<n>.<hex>.tmp`, about 40 bytes more)
 * or a write token (`.<id>.json.rev<k>`).
 */
export const MAX_ID_BYTES = 200;

/** Ask and tell ids are `<worker>-<n>` with n a safe integer (at most 16 digits). */
const SEQUENCE_ROOM = 1 + String(Number.MAX_SAFE_INTEGER).length;

/** The longest worker (session) id: short enough that every ask id made from it fits. */
export const MAX_WORKER_ID_BYTES = MAX_ID_BYTES - SEQUENCE_ROOM;

// Whitespace (Unicode-aware) or any control character, C0, DEL or C1.
const FORBIDDEN = /[\s\p{Cc}]/u;

function maxBytes(kind: IdKind | undefined): number {
  return kind === 'worker id' || kind === 'session id' ? MAX_WORKER_ID_BYTES : MAX_ID_BYTES;
}

/**
 * Why `s` cannot be used as an id, or null when it can. Without a kind, only the
 * rules every id shares (for readers that list whatever is on disk).
 */
export function idProblem(s: string, kind?: IdKind): string | null {
  if (s.length === 0) return 'it is empty';
  if (s.includes('/') || s.includes('\\')) return 'it contains a path separator';
  if (s.startsWith('.')) return 'it starts with a dot';
  if (FORBIDDEN.test(s)) return 'it contains whitespace or a control character';
  const limit = maxBytes(kind);
  if (Buffer.byteLength(s) > limit) {
    return limit === MAX_ID_BYTES ? `it is longer than ${limit} bytes` : `it is longer than ${limit} bytes (a ${kind} leaves room for the "-<n>" of its ask ids)`;
  }
  return null;
}

/** Validates an id that is about to become a file name; throws INVALID_ID naming the problem. */
export function validateId(kind: IdKind, s: string): string {
  const problem = idProblem(s, kind);
  if (problem !== null) {
    throw new LooopError('INVALID_ID', `invalid ${kind} ${JSON.stringify(s)}: ${problem}`, {
      hint: `ids are one path segment: no "/", "\\", leading ".", whitespace or control characters; at most ${maxBytes(kind)} bytes`,
    });
  }
  return s;
}
