// Text hardening for the decide prompt: everything interpolated into it was written
// by sensors, workers, humans or a previous decider, so it is clipped to a size and
// kept from forging the prompt's own section headers (`=== X ===`) and item
// separators (`--- x`).

/** At most `max` characters (code points) of `s`, with `…` when something was cut. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s; // UTF-16 length bounds the code-point count
  let out = '';
  let n = 0;
  for (const ch of s) {
    if (n === max) return `${out}…`;
    out += ch;
    n++;
  }
  return out;
}

// A line start is the text start or just after any character a reader could take as
// a line break (\r alone renders as one in many viewers; so do NEL, LS and PS).
const MARKER_AT_LINE_START = /(^|[\n\r\u0085\u2028\u2029])(?====|---)/g;

/** Backslash-escapes every line-leading `===` or `---`; nothing else changes. */
export function escapeMarkers(s: string): string {
  return s.replace(MARKER_AT_LINE_START, '$1\\');
}

/** `YYYY-MM-DD HH:MM ±HH:MM` for `nowMs` at a UTC offset (minutes east of UTC). */
export function localTime(nowMs: number, offsetMinutes: number): string {
  const d = new Date(nowMs + offsetMinutes * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} ${sign}${two(Math.floor(off / 60))}:${two(off % 60)}`;
}
