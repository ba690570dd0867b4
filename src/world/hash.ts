// The world's content hash (FNV-1a 128-bit, reference §8.6) and the canonical form
// of a snapshot's wake signal. Not cryptographic: it only has to be deterministic
// and sensitive to every byte, so the skip gate can tell "unchanged" from "moved".

// offset basis 0x6c62272e07bb014262b821756295c58d as eight 16-bit limbs, least significant first.
const OFFSET_LIMBS = [0xc58d, 0x6295, 0x2175, 0x62b8, 0x0142, 0x07bb, 0x272e, 0x6c62];

/**
 * An incremental FNV-1a 128 over byte chunks, so the world is hashed in one pass.
 * The prime is 2^88 + 0x13b, so h·prime mod 2^128 = h·0x13b + (h << 88): done on
 * 16-bit limbs in plain numbers (BigInt arithmetic per byte is ~30x slower).
 */
export class Fnv128 {
  private readonly h = Uint32Array.from(OFFSET_LIMBS);

  update(chunk: string | Uint8Array): this {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const h = this.h;
    let h0 = h[0] as number, h1 = h[1] as number, h2 = h[2] as number, h3 = h[3] as number;
    let h4 = h[4] as number, h5 = h[5] as number, h6 = h[6] as number, h7 = h[7] as number;
    for (let i = 0; i < bytes.length; i++) {
      h0 ^= bytes[i] as number;
      // (h << 88) touches limbs 5..7 only: limb k gets h[k-5] << 8 | h[k-6] >> 8.
      const s5 = (h0 << 8) & 0xffff;
      const s6 = ((h1 << 8) | (h0 >>> 8)) & 0xffff;
      const s7 = ((h2 << 8) | (h1 >>> 8)) & 0xffff;
      let v = h0 * 0x13b;
      h0 = v & 0xffff;
      v = h1 * 0x13b + (v >>> 16);
      h1 = v & 0xffff;
      v = h2 * 0x13b + (v >>> 16);
      h2 = v & 0xffff;
      v = h3 * 0x13b + (v >>> 16);
      h3 = v & 0xffff;
      v = h4 * 0x13b + (v >>> 16);
      h4 = v & 0xffff;
      v = h5 * 0x13b + s5 + (v >>> 16);
      h5 = v & 0xffff;
      v = h6 * 0x13b + s6 + (v >>> 16);
      h6 = v & 0xffff;
      v = h7 * 0x13b + s7 + (v >>> 16);
      h7 = v & 0xffff;
    }
    h[0] = h0; h[1] = h1; h[2] = h2; h[3] = h3; h[4] = h4; h[5] = h5; h[6] = h6; h[7] = h7;
    return this;
  }

  /** 32 lowercase hex digits. */
  hex(): string {
    let out = '';
    for (let i = 7; i >= 0; i--) out += (this.h[i] as number).toString(16).padStart(4, '0');
    return out;
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
