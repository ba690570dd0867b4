// What changed between the world a decision last saw (`.last-world.json`) and the
// world sensed at the start of this beat: the lines of the prompt's WHAT CHANGED.
import type { WorldItems } from './view.ts';

export type WorldChange =
  | { readonly kind: 'appeared'; readonly key: string; readonly value: string }
  | { readonly kind: 'signal'; readonly key: string; readonly from: string; readonly to: string }
  | { readonly kind: 'edited'; readonly key: string }
  | { readonly kind: 'gone'; readonly key: string };

/** Current items in key order (new, then changed), then baseline keys that are gone. */
export function diffWorld(baseline: WorldItems, current: WorldItems): WorldChange[] {
  const out: WorldChange[] = [];
  for (const key of Object.keys(current).sort()) {
    const now = current[key] as string;
    const before = Object.hasOwn(baseline, key) ? baseline[key] : undefined;
    if (before === undefined) out.push({ kind: 'appeared', key, value: now });
    else if (before === now) continue;
    else if (key.startsWith('snap:')) out.push({ kind: 'signal', key, from: before, to: now });
    else out.push({ kind: 'edited', key });
  }
  for (const key of Object.keys(baseline).sort()) {
    if (!Object.hasOwn(current, key)) out.push({ kind: 'gone', key });
  }
  return out;
}

/** First `max` characters, then `…` when anything was cut. */
export function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : s;
}

export const MAX_CHANGE_LINES = 200;
const VALUE_CLIP = 240;

export function changeLine(c: WorldChange): string {
  switch (c.kind) {
    case 'appeared':
      return `+ ${c.key} appeared: ${clip(c.value, VALUE_CLIP)}`;
    case 'signal':
      return `~ ${c.key} signal: ${clip(c.from, VALUE_CLIP)} → ${clip(c.to, VALUE_CLIP)}`;
    case 'edited':
      return `~ ${c.key} edited (body below)`;
    case 'gone':
      return `- ${c.key} gone`;
  }
}

/** The section body (before marker escaping, which the prompt applies to every section). */
export function renderChanges(changes: readonly WorldChange[], maxLines = MAX_CHANGE_LINES): string[] {
  if (changes.length === 0) {
    return ['(nothing — this re-decide was forced: pulse start, cadence nudge, or a noop aged past its TTL. Re-judge the same world.)'];
  }
  const lines = changes.slice(0, maxLines).map(changeLine);
  const omitted = changes.length - lines.length;
  if (omitted > 0) {
    lines.push(`(section truncated: ${omitted} changed items omitted — too many world items changed in one beat; consolidate the world)`);
  }
  return lines;
}

/** A `.last-world.json` baseline: an object of strings, or null when it is not one (no WHAT CHANGED then). */
export function parseWorldItems(text: string): WorldItems | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const out: WorldItems = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (typeof val !== 'string') return null;
    out[k] = val;
  }
  return out;
}
