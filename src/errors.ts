// One error type for everything a user can cause. The CLI prints `looop: <message>`
// plus the hint, never a stack; anything else is a bug and keeps its stack.

export type ErrorCode =
  | 'USAGE'
  | 'INVALID_ID'
  | 'NOT_FOUND'
  | 'ALREADY_ANSWERED'
  | 'ASK_VANISHED'
  | 'TIMEOUT'
  | 'CORRUPT_FILE'
  | 'BAD_FILE'
  | 'UNSUPPORTED_VERSION'
  | 'CONFLICT'
  | 'HOME_UNSET'
  | 'RESERVED_ID'
  | 'REFUSED'
  | 'HELD'
  | 'FLEET_CAP'
  | 'ALREADY_RUNNING'
  | 'NOT_RUNNING'
  | 'SESSION_FAILED'
  | 'HOST_UNRESPONSIVE'
  | 'CONFIG'
  | 'FLEET_UNREADABLE'
  | 'NOT_INITIALIZED'
  | 'PULSE_EXITED'
  | 'PULSE_NOT_SEEN'
  | 'PREFLIGHT'
  | 'ACTION_FAILED';

// Each command is its own bundle, so `instanceof` would see several copies of this
// class; a registered symbol brand identifies our errors across all of them.
const BRAND = Symbol.for('looop.error');

export class LooopError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(code: ErrorCode, message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LooopError';
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

export function isLooopError(e: unknown): e is LooopError {
  return typeof e === 'object' && e !== null && (e as { [BRAND]?: unknown })[BRAND] === true;
}

/** True when `e` is a Node system error with the given errno code (ENOENT, EEXIST, …). */
export function hasErrno(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && codes.includes(String((e as { code: unknown }).code));
}
