import type { StateView } from '../commands/state.ts';
import { neutralize as inert } from '../terminalText.ts';

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

/** The human summary of `looop state`. */
export function renderState(s: StateView, now: Date): string {
  const width = Math.max(40, process.stdout.columns ?? 100);
  const live = s.workers.filter((w) => w.alive);
  const lines = [
    `pulse: ${s.pulse_alive ? 'live' : 'DOWN'}  ·  asks: ${s.asks.length}  ·  workers: ${live.length} live / ${s.workers.length}  ·  goals: ${s.goals.length}`,
  ];
  if (!s.pulse_alive) lines.push('  ⚠ the autonomous loop is not running — run `looop up` (no beats, snapshots are stale)');
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
      const signal = typeof v === 'object' && v !== null && 'signal' in v ? (v as { signal: unknown }).signal : v;
      lines.push(clip(`  ${inert(k)}: ${inert(JSON.stringify(signal) ?? 'null')}`, width));
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
