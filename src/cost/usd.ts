// Dollar amounts as the ledger and `looop cost` show them (reference §8.20): rounded
// to 4 decimals, trailing zeros and dot stripped, never "-0", prefixed with `$`:
// 0 → $0, 1.5 → $1.5, 0.12345 → $0.1235, 0.00004 → $0, 12.34 → $12.34.

export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd)) return '$?';
  const r = Math.round(usd * 1e4) / 1e4;
  const text = (Object.is(r, -0) || r === 0 ? 0 : r).toFixed(4).replace(/0+$/, '').replace(/\.$/, '');
  return `$${text === '-0' ? '0' : text}`;
}

/** Two decimals, for the budget lines ($2.50 ≥ $2.00). */
export function formatUsd2(usd: number): string {
  return `$${(Math.round(usd * 100) / 100 || 0).toFixed(2)}`;
}

/** A spend typed by a person or a worker: a plain decimal (no sign games, no hex, no exponent tricks needed). */
export function parseUsd(text: string): number | null {
  const s = text.trim();
  if (!/^\+?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
