// Metering the decider's own stream (reference §8.20): each raw line of the runner's
// output goes through `line`, and `total()` is what the run cost in USD (0: unknown).
//   claude: the `result` event's `total_cost_usd` (the last one wins, and wins over
//           anything else — it is the run's own total, never added to);
//   pi:     the sum of the `message_end` events' `message.usage.cost.total`;
//   a config `cost` spec: only that, for any other runner (see costSpec.ts).
// A line that is not a JSON object is ignored: runners mix text into their streams.
import { atPath, type CostSpec } from './costSpec.ts';

export interface Meter {
  readonly line: (raw: string) => void;
  /** USD so far: a finite number ≥ 0. */
  readonly total: () => number;
}

/** A finite, non-negative amount (a number, or a number written as a string). */
function amount(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function event(raw: string): Record<string, unknown> | null {
  const s = raw.trimStart();
  if (!s.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(s);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const PI_COST = ['message', 'usage', 'cost', 'total'];

export function createMeter(spec: CostSpec | null): Meter {
  let claude: number | null = null;
  let sum = 0;
  let last: number | null = null;
  return {
    line(raw) {
      const ev = event(raw);
      if (ev === null) return;
      if (spec !== null) {
        if (ev.type !== spec.type) return;
        const n = amount(atPath(ev, spec.path));
        if (n === null) return;
        if (spec.mode === 'total') last = n;
        else sum += n;
        return;
      }
      if (ev.type === 'result') {
        const n = amount(ev.total_cost_usd);
        if (n !== null) claude = n;
      } else if (ev.type === 'message_end') {
        const n = amount(atPath(ev, PI_COST));
        if (n !== null) sum += n;
      }
    },
    total() {
      if (spec !== null) return spec.mode === 'total' ? (last ?? 0) : sum;
      return claude ?? sum;
    },
  };
}
