import { LooopError } from './errors.ts';

export type IdKind = 'ask id' | 'worker id' | 'claim name' | 'session id' | 'goal id' | 'sensor id' | 'schedule name';

export const PULSE_ID = 'pulse';

// Whitespace (Unicode-aware) or any control character, C0, DEL or C1.
const FORBIDDEN = /[\s\p{Cc}]/u;

/** Why `s` cannot be used as an id, or null when it can. */
export function idProblem(s: string): string | null {
  if (s.length === 0) return 'it is empty';
  if (s.includes('/') || s.includes('\\')) return 'it contains a path separator';
  if (s.startsWith('.')) return 'it starts with a dot';
  if (FORBIDDEN.test(s)) return 'it contains whitespace or a control character';
  if (Buffer.byteLength(s) > 200) return 'it is longer than 200 bytes';
  return null;
}

/** Validates an id that is about to become a file name; throws INVALID_ID naming the problem. */
export function validateId(kind: IdKind, s: string): string {
  const problem = idProblem(s);
  if (problem !== null) {
    throw new LooopError('INVALID_ID', `invalid ${kind} ${JSON.stringify(s)}: ${problem}`, {
      hint: 'ids are one path segment: no "/", "\\", leading ".", whitespace or control characters',
    });
  }
  return s;
}
