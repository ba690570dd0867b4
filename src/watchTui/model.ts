// What one watch frame shows, read fresh from the data dir on every redraw: the fleet
// (the `worker list` rows, so health is judged in one place), the pending asks, and
// the selected session's screen. Reading never throws: a data dir that vanished or a
// session that cannot be shown becomes a notice the footer or the pane carries.
import type { AskContext } from '../../machines/askTypes.ts';
import type { Ctx } from '../context.ts';
import { isLooopError } from '../errors.ts';
import { PULSE_ID } from '../ids.ts';
import { fs } from '../nodeFs.ts';
import type { Envelope } from '../store/envelope.ts';
import { listWorkers, type WorkerRow } from '../commands/workerList.ts';
import { frameOf } from '../commands/screenshot.ts';
import { surveyAsks } from '../mailbox/askSurvey.ts';

export type Filter = 'living' | 'recent' | 'all';

export interface WatchOptions {
  /** The session asked for on the command line: always listed, selected first. */
  readonly requested: string | null;
  /** For `recent`: dead sessions whose record changed within this many seconds stay listed. */
  readonly sinceSecs: number | null;
}

export interface AskLine {
  readonly id: string;
  readonly worker: string;
  readonly question: string;
  readonly ageS: number;
}

/** `ansi`: the same rows with the emulator's own SGR colours (the session's text still raw). */
export type Screen = { readonly kind: 'lines'; readonly lines: readonly string[]; readonly ansi: readonly string[] } | { readonly kind: 'note'; readonly text: string };

export interface View {
  readonly rows: readonly WorkerRow[];
  readonly hidden: number;
  readonly asks: readonly AskLine[];
  readonly screen: Screen;
  /** Something the person should know about the data dir itself (shown in the footer). */
  readonly problem: string | null;
  /** When the files were read: ages shown later are counted on from here. */
  readonly readAtMs: number;
}

function recordAgeSecs(ctx: Ctx, id: string): number | null {
  try {
    const st = fs.statSync(`${ctx.paths.sessions}/${id}/session.json`, { throwIfNoEntry: false });
    return st === undefined ? null : (ctx.now().getTime() - st.mtimeMs) / 1000;
  } catch {
    return null;
  }
}

/** Which rows the filter keeps: the pulse and the requested id always. */
export function visible(ctx: Ctx, rows: readonly WorkerRow[], filter: Filter, opts: WatchOptions): WorkerRow[] {
  return rows.filter((r) => {
    if (r.id === PULSE_ID || r.id === opts.requested || r.alive || filter === 'all') return true;
    if (filter === 'living') return false;
    const age = recordAgeSecs(ctx, r.id);
    return age === null || age <= (opts.sinceSecs ?? 0);
  });
}

function problemOf(e: unknown): string {
  if (isLooopError(e)) return e.message;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code === undefined ? String(e) : `cannot read the data dir (${code})`;
}

export async function readFleet(ctx: Ctx, filter: Filter, opts: WatchOptions): Promise<{ rows: WorkerRow[]; hidden: number; asks: AskLine[]; problem: string | null }> {
  if (fs.statSync(ctx.paths.dataDir, { throwIfNoEntry: false })?.isDirectory() !== true) {
    return { rows: [], hidden: 0, asks: [], problem: `data dir ${ctx.paths.dataDir} is gone — waiting for it` };
  }
  try {
    const every = await listWorkers(ctx, { all: true });
    const rows = visible(ctx, every, filter, opts);
    const pending: Envelope<AskContext>[] = (await surveyAsks(ctx, { repair: false })).pending;
    const nowS = Math.floor(ctx.now().getTime() / 1000);
    const asks = pending
      .map((a) => ({ id: a.context.id, worker: a.context.worker, question: a.context.prompt, ageS: Math.max(0, nowS - a.context.ts) }))
      .sort((a, b) => b.ageS - a.ageS || a.id.localeCompare(b.id));
    return { rows, hidden: every.length - rows.length, asks, problem: null };
  } catch (e) {
    return { rows: [], hidden: 0, asks: [], problem: problemOf(e) };
  }
}

/** The selected session's screen as plain rows, or why there is none. */
export async function readScreen(ctx: Ctx, id: string | null): Promise<Screen> {
  if (id === null) return { kind: 'note', text: '(no session selected)' };
  try {
    const { frame } = await frameOf(ctx, id, false);
    const lines = [...frame.lines];
    while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
    return lines.length === 0 ? { kind: 'note', text: '(no output yet)' } : { kind: 'lines', lines, ansi: frame.ansi.slice(0, lines.length) };
  } catch (e) {
    if (isLooopError(e) && e.code === 'NOT_FOUND') return { kind: 'note', text: `(no screen for '${id}')` };
    return { kind: 'note', text: `(cannot show '${id}': ${problemOf(e)})` };
  }
}
