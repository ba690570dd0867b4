// `attach`: paints the session's current screen, mirrors what it prints from then
// on (following output.log from the frame's offset) and types the user's keys into
// it through the host's inbox. The terminal is reached only through the port the
// CLI passes in; on detach or when the session ends it is put back: main screen,
// cursor shown, colours and input modes reset, cooked mode.
import type { Ctx } from '../context.ts';
import { validateId } from '../ids.ts';
import { selfIdentity } from '../proc/processIdentity.ts';
import { DetachDetector } from '../sessions/detachKey.ts';
import { readSession } from '../sessions/fleet.ts';
import type { Frame } from '../sessions/frame.ts';
import { followLog } from '../sessions/logRead.ts';
import { hostRequest, postRequest, requireLive } from '../sessions/requestClient.ts';

export interface TerminalPort {
  write(data: Uint8Array | string): void;
  size(): { cols: number; rows: number };
  setRaw(on: boolean): void;
  /** Subscribes to keyboard input; returns the unsubscribe. */
  onInput(cb: (chunk: Buffer) => void): () => void;
  onResize(cb: () => void): () => void;
}

export interface AttachOutcome {
  readonly how: 'detached' | 'ended';
  /** The session's state when the attach ended. */
  readonly state: string;
}

/** Leaves the app's modes behind: SGR, cursor, mouse, paste, focus, kitty keys, keypad, scroll region, then the main screen. */
export const RESTORE_TERMINAL =
  '\x1b[0m\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?1004l\x1b[<u\x1b[?1l\x1b>\x1b[r\x1b[?1049l';

function paint(frame: Frame): string {
  let s = '\x1b[?1049h\x1b[H\x1b[2J';
  frame.ansi.forEach((row, i) => {
    s += `\x1b[${i + 1};1H${row}`;
  });
  return `${s}\x1b[0m\x1b[${frame.cursor.row + 1};${frame.cursor.col + 1}H${frame.cursor.hidden ? '\x1b[?25l' : '\x1b[?25h'}`;
}

function stateOf(ctx: Ctx, id: string): string {
  try {
    const r = readSession(ctx, id);
    if (r.kind !== 'ok') return 'gone';
    return r.info.state === 'exited' && r.info.exitCode !== null ? `exited ${r.info.exitCode}` : r.info.state;
  } catch {
    return 'unknown';
  }
}

/** Best effort once the session may be gone: a lost request is harmless then. */
function post(ctx: Ctx, id: string, op: Parameters<typeof postRequest>[2]): void {
  try {
    postRequest(ctx, id, op);
  } catch {
    // ended meanwhile
  }
}

/** Refuses early (before the terminal is touched) unless the session is live. */
export function checkAttachable(ctx: Ctx, id: string): void {
  validateId('session id', id);
  requireLive(ctx, id, 'attach');
}

export async function runAttach(ctx: Ctx, id: string, term: TerminalPort): Promise<AttachOutcome> {
  checkAttachable(ctx, id);
  const before = readSession(ctx, id);
  const original = before.kind === 'ok' ? { cols: before.envelope.context.cols, rows: before.envelope.context.rows } : null;
  const me = selfIdentity();
  // Attaching shares the session at this terminal's size; the old size is put back on detach.
  const s = term.size();
  if (original === null || s.cols !== original.cols || s.rows !== original.rows) await hostRequest(ctx, id, { op: 'resize', ...s }, 'attach');
  // While a human terminal is attached it answers terminal queries; the host stops answering them.
  await hostRequest(ctx, id, { op: 'attach', pid: me.pid, start: me.start, active: true }, 'attach');
  const frame = (await hostRequest(ctx, id, { op: 'screenshot', detail: 'plain' }, 'attach')) as Frame;

  let detached = false;
  const unsubscribe: (() => void)[] = [];
  term.setRaw(true);
  try {
    term.write(paint(frame));
    const follow = followLog(ctx, id, frame.offset, (b) => term.write(b));
    const detector = new DetachDetector();
    const detach = new Promise<void>((resolve) => {
      unsubscribe.push(
        term.onInput((chunk) => {
          const { forward, detach: d } = detector.feed(chunk);
          if (forward.length > 0) post(ctx, id, { op: 'input', b64: forward.toString('base64') });
          if (d) {
            detached = true;
            resolve();
          }
        }),
      );
    });
    unsubscribe.push(term.onResize(() => post(ctx, id, { op: 'resize', ...term.size() })));
    await Promise.race([follow.done, detach]);
    follow.stop();
  } finally {
    for (const u of unsubscribe) u();
    term.write(RESTORE_TERMINAL);
    term.setRaw(false);
  }
  if (detached) {
    post(ctx, id, { op: 'attach', pid: me.pid, start: me.start, active: false });
    if (original !== null) post(ctx, id, { op: 'resize', ...original });
  }
  return { how: detached ? 'detached' : 'ended', state: stateOf(ctx, id) };
}
