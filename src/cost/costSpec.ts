// A config-declared way to meter a runner looop does not know (config.json `cost`):
//   "cost": {"type": "usage", "pointer": "/usd", "mode": "sum" | "total"}
// Every JSON line of the decider's stream whose `type` equals `type` carries a dollar
// amount at the JSON pointer (RFC 6901); `sum` adds them up (per-message costs),
// `total` keeps the last one (a running total). The mode defaults to `sum`.

export interface CostSpec {
  readonly type: string;
  /** Split into reference tokens, `~1`/`~0` already unescaped. */
  readonly path: readonly string[];
  readonly pointer: string;
  readonly mode: 'sum' | 'total';
}

export type CostSpecParse = { readonly kind: 'ok'; readonly spec: CostSpec | null } | { readonly kind: 'bad'; readonly problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `/a/b~1c` → ['a', 'b/c']; null when it is not a JSON pointer. */
export function pointerPath(pointer: string): string[] | null {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return null;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value at `path` inside `value`, or undefined. */
export function atPath(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const token of path) {
    if (Array.isArray(v)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      v = v[Number(token)];
    } else if (isObject(v)) {
      if (!Object.hasOwn(v, token)) return undefined;
      v = v[token];
    } else {
      return undefined;
    }
  }
  return v;
}

/** Validates the config value (absent/null → no spec). */
export function parseCostSpec(v: unknown): CostSpecParse {
  if (v === undefined || v === null) return { kind: 'ok', spec: null };
  const shape = 'expected {"type": "<event type>", "pointer": "/json/pointer", "mode": "sum"|"total"}';
  if (!isObject(v)) return { kind: 'bad', problem: shape };
  const { type, pointer, mode } = v;
  if (typeof type !== 'string' || type === '') return { kind: 'bad', problem: `"type" must be a non-empty string (${shape})` };
  if (typeof pointer !== 'string') return { kind: 'bad', problem: `"pointer" must be a JSON pointer string such as "/usage/cost" (${shape})` };
  const path = pointerPath(pointer);
  if (path === null) return { kind: 'bad', problem: `"pointer" ${JSON.stringify(pointer)} is not a JSON pointer (it starts with "/")` };
  if (mode !== undefined && mode !== null && mode !== 'sum' && mode !== 'total') return { kind: 'bad', problem: `"mode" must be "sum" or "total", not ${JSON.stringify(mode)}` };
  return { kind: 'ok', spec: { type, path, pointer, mode: mode === 'total' ? 'total' : 'sum' } };
}
