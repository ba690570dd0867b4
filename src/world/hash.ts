// The world's content hash (FNV-1a 128-bit, reference §8.6) and the canonical form
// of a snapshot's wake signal. Not cryptographic: it only has to be deterministic
// and sensitive to every byte, so the skip gate can tell "unchanged" from "moved".

const OFFSET_BASIS = 0x6c62272e07bb014262b821756295c58dn;
const PRIME = 0x0000000001000000000000000000013bn;
const MASK = (1n << 128n) - 1n;

/** An incremental FNV-1a 128 over byte chunks, so the world is hashed in one pass. */
export class Fnv128 {
  private h = OFFSET_BASIS;

  update(chunk: string | Uint8Array): this {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let h = this.h;
    for (const b of bytes) {
      h ^= BigInt(b);
      h = (h * PRIME) & MASK;
    }
    this.h = h;
    return this;
  }

  /** 32 lowercase hex digits. */
  hex(): string {
    return this.h.toString(16).padStart(32, '0');
  }
}

export function contentHash(chunk: string | Uint8Array): string {
  return new Fnv128().update(chunk).hex();
}

/** What moves the world: an object's `signal` when it has one, else the whole value. */
export function wakeSignal(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, 'signal')) {
    return (value as Record<string, unknown>).signal;
  }
  return value;
}

/** Compact JSON with object keys sorted at every depth: key order and whitespace never move the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}
