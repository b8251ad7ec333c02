// Seeded pseudo-random numbers and ids, so a given lab config always yields the same uuids and placement.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  int(maxExclusive: number): number;
  uuid(): string;
  /** 32 lowercase hex digits, the shape of Keystone ids. */
  hex32(): string;
}

export function createRng(seed: number): Rng {
  // mulberry32: tiny, fast, good enough for spreading test data (never for secrets).
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (n: number): string => {
    let out = '';
    for (let i = 0; i < n; i++) out += Math.floor(next() * 16).toString(16);
    return out;
  };
  return {
    next,
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    uuid: () => {
      const h = hex(32);
      const variant = (8 + Math.floor(next() * 4)).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    hex32: () => hex(32),
  };
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
