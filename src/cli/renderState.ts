import type { HeldBack, StateView } from '../commands/state.ts';
import type { PulseView } from '../observe/pulseView.ts';
import { neutralize as inert } from '../terminalText.ts';
import { wakeSignal } from '../world/hash.ts';

function age(ts: number, now: Date): string {
  const s = Math.max(0, Math.floor(now.getTime() / 1000) - ts);
  if (s < 45) return 'just now';
  if (s < 90) return '1m ago';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

function clip(line: string, width: number): string {
  return [...line].length <= width ? line : `${[...line].slice(0, width - 1).join('')}…`;
}

function ageOf(iso: string, now: Date): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? inert(iso) : age(Math.floor(ms / 1000), now);
}

/** The beat: its phase, the last decision, why the last beat did not decide, a beat cut short. */
function beatLines(p: PulseView, now: Date, width: number): string[] {
  const run = p.run_id === null ? '' : ` (${inert(p.run_id)})`;
  const failures = p.failures > 0 ? `  ·  failed decides in a row: ${p.failures}` : '';
  const lines = [`  beat: ${inert(p.phase)}${run} since ${ageOf(p.since, now)}${failures}`];
  const d = p.last_decision;
  if (d !== null) lines.push(clip(`  last decision: ${inert(d.action)} — ${inert(d.summary)} (${ageOf(d.at, now)})`, width));
  if (p.last_outcome !== null) lines.push(clip(`  last beat: ${inert(p.last_outcome)}`, width));
  const i = p.interrupted;
  if (i !== null) lines.push(clip(`  ⚠ a pulse (pid ${i.pid}) died mid-beat while ${inert(i.phase)}${i.run_id === null ? '' : ` (${inert(i.run_id)})`}, ${ageOf(i.at, now)}; its move was not re-run`, width));
  return lines;
}

/** Why the next decide is being held back, in one line a person can act on. */
function heldBackLine(h: HeldBack): string {
  switch (h.kind) {
    case 'backoff':
      return `backing off after ${h.fails} failed decide(s): next try in ${h.retry_in_s}s (edit a goal or PLAYBOOK.md to retry now)`;
    case 'cap':
      return `hourly decide cap reached (${h.used}/${h.cap}, LOOOP_MAX_DECIDES_PER_HOUR): next decide in ${h.retry_in_s}s`;
    case 'flapping':
      return `flapping sensors (every beat costs a decide): ${inert(h.sensors.join(', '))}`;
    case 'nudge':
      return h.in_s > 0 ? `the decider asked for the next beat in ${h.in_s}s` : 'a beat the decider asked for is due';
    case 'budget':
      if (h.why === 'unmetered') return `no AI calls: a daily budget ($${h.max_usd}) is set but runner ${inert(h.runner)} reported no cost for ${h.unmetered_runs} runs (declare a \`cost\` spec in config.json, or delete .cost-unmetered)`;
      return h.unknown_rows > 0
        ? `no AI calls until local midnight (in ${h.retry_in_s}s): cost.jsonl has unreadable rows that may be today's spend (fix them to retry now)`
        : `daily budget spent ($${h.spent_usd.toFixed(2)} of $${h.max_usd.toFixed(2)}): no AI calls until local midnight (in ${h.retry_in_s}s)`;
    case 'unreadable':
      return `idle until fixed: ${inert(h.problem)}`;
  }
}

/** The human summary of `looop state`. */
export function renderState(s: StateView, now: Date): string {
  const width = Math.max(40, process.stdout.columns ?? 100);
  const live = s.workers.filter((w) => w.alive);
  const lines = [
    `pulse: ${s.pulse_alive ? 'live' : 'DOWN'}  ·  asks: ${s.asks.length}  ·  workers: ${live.length} live / ${s.workers.length}  ·  goals: ${s.goals.length}`,
  ];
  if (!s.pulse_alive) lines.push('  ⚠ the autonomous loop is not running — run `looop up` (no beats, snapshots are stale)');
  if (s.pulse !== null) lines.push(...beatLines(s.pulse, now, width));
  for (const h of s.held_back) lines.push(clip(`  ⏸ ${heldBackLine(h)}`, width));
  for (const p of s.guard_problems) lines.push(clip(`  ⚠ ${inert(p)}`, width));
  for (const a of s.asks) {
    lines.push(clip(`  ⚑ ${inert(a.id)} (${inert(a.worker)} · ${age(a.ts, now)}): ${inert(a.prompt)}`, width));
    if (a.reference !== undefined) lines.push(clip(`      ref: ${inert(a.reference)}`, width));
    if (a.options !== undefined) lines.push(clip(`      options: ${inert(a.options.join(', '))}`, width));
  }
  if (s.stranded_asks.length > 0) {
    lines.push('stranded asks (their asker is gone; an answer reaches nobody):');
    for (const a of s.stranded_asks) lines.push(clip(`  ✗ ${inert(a.id)} (${inert(a.worker)} · ${age(a.ts, now)}): ${inert(a.prompt)}`, width));
  }
  const snaps = Object.entries(s.snapshots);
  if (snaps.length > 0) {
    lines.push('sensors:');
    for (const [k, v] of snaps) {
      lines.push(clip(`  ${inert(k)}: ${inert(JSON.stringify(wakeSignal(v)) ?? 'null')}`, width));
    }
  }
  if (live.length > 0) {
    lines.push('workers (live):');
    for (const w of live) lines.push(`  ● ${inert(w.id)}  ${inert(w.state)}`);
  }
  if (s.journal_tail.length > 0) {
    lines.push('journal (latest):');
    for (const j of s.journal_tail.slice(-3)) lines.push(clip(`  ${inert(j)}`, width));
  }
  return lines.join('\n');
}
