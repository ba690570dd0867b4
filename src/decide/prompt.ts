// The decide prompt, built from plain data the beat has already read: stable
// sections first (instructions, constitution, playbook, goals, readings, asks,
// fairness, journal), then the volatile ones, the clock last, so consecutive prompts
// share the longest possible prefix. Pure and deterministic: same input, same bytes.
import { clip, escapeMarkers, localTime } from './clip.ts';
import { CONSTITUTION, FINAL_LINE, INSTRUCTIONS } from './promptText.ts';

export const PLAYBOOK_CLIP = 16 * 1024;
export const GOAL_CLIP = 8 * 1024;
export const ASK_CLIP = 2 * 1024;
export const JOURNAL_LINE_CLIP = 500;
export const JOURNAL_LINES = 20;
export const DIFF_VALUE_CLIP = 240;
export const DIFF_LINES = 200;
export const SHELL_CMD_CLIP = 512;
export const SHELL_OUTPUT_CLIP = 2048;
export const FAILURE_CLIP = 2048;
/** LOOOP_PROMPT_MAX_BYTES's default; 0 means no limit. */
export const DEFAULT_PROMPT_MAX_BYTES = 256 * 1024;

export const TITLES = {
  constitution: 'CONSTITUTION (immutable — overrides PLAYBOOK)',
  playbook: 'PLAYBOOK',
  goals: 'GOALS',
  readings: 'SENSOR READINGS',
  asks: 'PENDING ASKS (waiting on the human — not yours to answer)',
  fairness: 'FAIRNESS (computed by looop)',
  journal: 'RECENT JOURNAL',
  changed: 'WHAT CHANGED (since your last decision — computed by looop)',
  shell: 'RUN_SHELL OUTPUT (your previous move — shown once)',
  flapping: 'FLAPPING SENSORS (defeating the skip gate — fix the cause)',
  failure: 'LAST FAILURE (your previous attempt — do not repeat it)',
  now: 'NOW',
} as const;

export interface PromptGoal { readonly id: string; readonly body: string }
/** A snapshot file: `name` is its file name (`sensor-gh.json`), `text` its content. */
export interface PromptReading { readonly name: string; readonly text: string }
export type AskTag = 'live' | 'stranded-dead' | 'stranded-detached';
export interface PromptAsk {
  readonly id: string;
  readonly worker: string;
  readonly prompt: string;
  readonly reference?: string;
  readonly options?: readonly string[];
  readonly tag: AskTag;
}
export interface LastShell { readonly cmd: string; readonly exitCode: number; readonly output: string }
export interface LastFailure { readonly code: string; readonly fails: number; readonly agoS: number; readonly error: string }

export interface PromptInput {
  readonly dataDir: string;
  readonly playbook: string | null;
  readonly goals: readonly PromptGoal[];
  readonly readings: readonly PromptReading[];
  /** In the order they should be shown (oldest first). */
  readonly asks: readonly PromptAsk[];
  /** Goal id → unix seconds of the last move on it. */
  readonly goalActivity: Readonly<Record<string, number>>;
  readonly journalTail: readonly string[];
  /** The world items this beat sensed, and those the last committed decision saw (null: none). */
  readonly items: Readonly<Record<string, string>>;
  readonly baseline: Readonly<Record<string, string>> | null;
  readonly lastShell: LastShell | null;
  readonly flapping: readonly string[];
  readonly lastFailure: LastFailure | null;
  readonly nowMs: number;
  /** Minutes east of UTC for the NOW line (`-new Date().getTimezoneOffset()`). */
  readonly utcOffsetMinutes: number;
  readonly budgetBytes: number;
}

export interface BuiltPrompt {
  readonly text: string;
  /** Items left out of the budgeted lists (all zero when everything fit). */
  readonly omitted: { readonly goals: number; readonly readings: number; readonly asks: number };
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const withNewline = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);

class PromptText {
  private readonly parts: string[] = [];
  bytes = 0;
  push(s: string): void {
    this.parts.push(s);
    this.bytes += Buffer.byteLength(s);
  }
  header(title: string): void {
    if (this.bytes > 0) this.push('\n');
    this.push(`=== ${title} ===\n`);
  }
  section(title: string, body: string): void {
    this.header(title);
    this.push(withNewline(body));
  }
  /** Appends items until the first one that would pass the budget; returns how many were left out. */
  budgeted(title: string, items: readonly string[], empty: string, kind: string, hint: string, budget: number): number {
    this.header(title);
    if (items.length === 0) {
      this.push(`${empty}\n`);
      return 0;
    }
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as string;
      if (budget > 0 && this.bytes + Buffer.byteLength(item) > budget) {
        const omitted = items.length - i;
        this.push(`(section truncated: ${omitted} ${kind} omitted — the prompt went over LOOOP_PROMPT_MAX_BYTES${hint})\n`);
        return omitted;
      }
      this.push(item);
    }
    return 0;
  }
  toString(): string {
    return this.parts.join('');
  }
}

const TAGS: Record<AskTag, string> = {
  live: 'LIVE — blocked on human',
  'stranded-dead': 'STRANDED — worker DEAD, answer inert; re-dispatch a fresh worker',
  'stranded-detached': 'STRANDED — no worker is blocked; re-dispatch a fresh worker',
};

function goalItem(g: PromptGoal): string {
  return `--- ${escapeMarkers(g.id)}.md\n${withNewline(escapeMarkers(clip(g.body, GOAL_CLIP)))}`;
}

function readingItem(r: PromptReading): string {
  return `--- ${escapeMarkers(r.name)}\n${withNewline(escapeMarkers(r.text))}`;
}

function askItem(a: PromptAsk): string {
  let s = `--- ${escapeMarkers(a.id)} (worker ${escapeMarkers(a.worker)} — ${TAGS[a.tag]})\n${withNewline(escapeMarkers(clip(a.prompt, ASK_CLIP)))}`;
  if (a.reference !== undefined && a.reference !== '') s += withNewline(`reference: ${escapeMarkers(clip(a.reference, ASK_CLIP))}`);
  if (a.options !== undefined && a.options.length > 0) s += withNewline(`options: ${escapeMarkers(clip(a.options.join(', '), ASK_CLIP))}`);
  return s;
}

/** The goal that has gone longest without a move (never = 0; ties by id). */
export function mostNeglected(goalIds: readonly string[], activity: Readonly<Record<string, number>>): string | null {
  let best: string | null = null;
  let bestAt = Infinity;
  for (const id of [...goalIds].sort(byCodeUnit)) {
    const v = activity[id];
    const at = typeof v === 'number' && Number.isFinite(v) ? v : 0;
    if (at < bestAt) {
      best = id;
      bestAt = at;
    }
  }
  return best;
}

/** WHAT CHANGED lines: this beat's items against the last decision's baseline. */
export function worldDiff(items: Readonly<Record<string, string>>, baseline: Readonly<Record<string, string>>): string[] {
  const lines: string[] = [];
  for (const key of Object.keys(items).sort(byCodeUnit)) {
    const now = items[key] as string;
    const before = Object.hasOwn(baseline, key) ? baseline[key] : undefined;
    if (before === undefined) lines.push(`+ ${key} appeared: ${clip(now, DIFF_VALUE_CLIP)}`);
    else if (before !== now) {
      lines.push(key.startsWith('snap:') ? `~ ${key} signal: ${clip(before, DIFF_VALUE_CLIP)} → ${clip(now, DIFF_VALUE_CLIP)}` : `~ ${key} edited (body below)`);
    }
  }
  for (const key of Object.keys(baseline).sort(byCodeUnit)) if (!Object.hasOwn(items, key)) lines.push(`- ${key} gone`);
  return lines;
}

function whatChanged(items: Readonly<Record<string, string>>, baseline: Readonly<Record<string, string>>): string {
  const lines = worldDiff(items, baseline);
  if (lines.length === 0) return '(nothing: this decide was forced by a pulse start, a next_interval_s nudge or a noop past its TTL. Judge the same world again.)';
  if (lines.length <= DIFF_LINES) return lines.join('\n');
  const omitted = lines.length - DIFF_LINES;
  return `${lines.slice(0, DIFF_LINES).join('\n')}\n(section truncated: ${omitted} changed items omitted — too many world items changed at once; consolidate the world)`;
}

export function buildPrompt(input: PromptInput): BuiltPrompt {
  const out = new PromptText();
  const budget = input.budgetBytes;
  out.push(withNewline(INSTRUCTIONS.replace('{{DATA_DIR}}', () => escapeMarkers(input.dataDir))));
  out.section(TITLES.constitution, CONSTITUTION);
  out.section(TITLES.playbook, input.playbook === null ? '(no PLAYBOOK yet)' : escapeMarkers(clip(input.playbook, PLAYBOOK_CLIP)));

  const goals = [...input.goals].sort((a, b) => byCodeUnit(a.id, b.id));
  const goalsOmitted = out.budgeted(TITLES.goals, goals.map(goalItem), '(no goals yet)', 'goals', '; archive or merge goals', budget);
  const readings = input.readings.filter((r) => /^(sensor|sys)-.*\.json$/s.test(r.name)).sort((a, b) => byCodeUnit(a.name, b.name));
  const readingsOmitted = out.budgeted(TITLES.readings, readings.map(readingItem), '(no readings)', 'sensor readings', '; merge sensors', budget);
  const asksOmitted = out.budgeted(TITLES.asks, input.asks.map(askItem), '(none)', 'asks', '', budget);

  const neglected = mostNeglected(goals.map((g) => g.id), input.goalActivity);
  if (neglected !== null) {
    out.section(TITLES.fairness, `The goal that has gone longest without a move is ${escapeMarkers(neglected)}. Unless it is blocked or plainly less important than another goal, give it this beat's move; if you pass it over, say why in the journal.`);
  }
  const journal = input.journalTail.filter((l) => l.trim() !== '').slice(-JOURNAL_LINES).map((l) => clip(l, JOURNAL_LINE_CLIP));
  out.section(TITLES.journal, journal.length === 0 ? '(empty)' : escapeMarkers(journal.join('\n')));

  // Volatile from here on.
  if (input.baseline !== null) out.section(TITLES.changed, escapeMarkers(whatChanged(input.items, input.baseline)));
  const sh = input.lastShell;
  if (sh !== null) {
    out.section(TITLES.shell, escapeMarkers(`$ ${clip(sh.cmd, SHELL_CMD_CLIP)}\n(exit ${sh.exitCode})\n${sh.output === '' ? '(no output)' : clip(sh.output, SHELL_OUTPUT_CLIP)}`));
  }
  if (input.flapping.length > 0) {
    const names = [...input.flapping].sort(byCodeUnit).join(', ');
    out.section(TITLES.flapping, escapeMarkers(`${names}: the wake signal changed on every recent beat, so the world never looks unchanged and every beat costs a decide. Volatile values (times, counts) belong under "detail", not "signal". Fix a sensor-* one with write_sensor this beat; a sys-* one usually means a very short recurring schedule or a worker that keeps crashing.`));
  }
  const f = input.lastFailure;
  if (f !== null) {
    out.section(TITLES.failure, escapeMarkers(`Your previous decide attempt FAILED (${f.code}, fail #${f.fails}, ${f.agoS}s ago):\n${clip(f.error, FAILURE_CLIP)}\nDo not send the same move again unchanged: fix it, choose another move, or hand it to a worker that asks the human.`));
  }
  out.section(TITLES.now, `Current local time: ${localTime(input.nowMs, input.utcOffsetMinutes)}.`);
  out.push(`\n${FINAL_LINE}\n`);
  return { text: out.toString(), omitted: { goals: goalsOmitted, readings: readingsOmitted, asks: asksOmitted } };
}
