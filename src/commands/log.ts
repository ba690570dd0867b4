import type { Ctx } from '../context.ts';
import { LooopError } from '../errors.ts';
import { validateId } from '../ids.ts';
import { AnsiStripper } from '../sessions/ansiText.ts';
import { readSession } from '../sessions/fleet.ts';
import { followLog, logSize, readRange, tailOffset } from '../sessions/logRead.ts';
import { sessionFiles } from '../sessions/sessionKind.ts';

export interface LogOptions {
  readonly tail?: number;
  readonly follow: boolean;
  readonly raw: boolean;
}

/** Streams a session's transcript to `emit` (ANSI stripped unless raw); with follow, until it ends. */
export async function runLog(ctx: Ctx, id: string, opts: LogOptions, emit: (chunk: string | Buffer) => void): Promise<void> {
  validateId('session id', id);
  if (readSession(ctx, id).kind === 'absent') throw new LooopError('NOT_FOUND', `log ${id}: no such session`, { hint: 'list sessions with: looop worker list -a' });
  const file = sessionFiles(ctx.paths, id).output;
  const strip = opts.raw ? null : new AnsiStripper();
  const each = (b: Buffer): void => {
    if (strip === null) emit(b);
    else {
      const s = strip.push(b);
      if (s !== '') emit(s);
    }
  };
  const end = logSize(file);
  const start = opts.tail === undefined ? 0 : opts.tail === 0 ? end : tailOffset(file, opts.tail);
  let off = readRange(file, start, end, each);
  if (opts.follow) {
    const f = followLog(ctx, id, off, (b) => {
      off += b.length;
      each(b);
    });
    await f.done;
  }
  if (strip !== null) {
    const rest = strip.end();
    if (rest !== '') emit(rest);
  }
}
