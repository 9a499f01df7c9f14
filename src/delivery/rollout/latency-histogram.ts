/**
 * Latencies kept as counts in geometric buckets (8 per doubling, so a bucket is ~9% wide, from
 * 1 µs to hours): counts add up across processes and instances (a Redis hash of counters), where
 * raw samples or a t-digest would not merge as simply. Enough to read the baseline's p99 and
 * count the canary responses above a multiple of it.
 */

const PER_DOUBLING = 8;

/** Bucket index -> count; sparse. */
export type Histogram = Record<number, number>;

export function bucketOf(ms: number): number {
  const us = ms * 1000;
  return us <= 1 ? 0 : Math.floor(Math.log2(us) * PER_DOUBLING);
}

/** Lower and upper edge of a bucket, in ms. */
export function bucketLow(index: number): number {
  return index === 0 ? 0 : 2 ** (index / PER_DOUBLING) / 1000;
}
export function bucketHigh(index: number): number {
  return 2 ** ((index + 1) / PER_DOUBLING) / 1000;
}

export function addTo(h: Histogram, ms: number, count = 1): void {
  const b = bucketOf(ms);
  h[b] = (h[b] ?? 0) + count;
}

export function mergeInto(into: Histogram, from: Readonly<Histogram>): void {
  for (const [b, c] of Object.entries(from)) into[Number(b)] = (into[Number(b)] ?? 0) + c;
}

/** The quantile's bucket's upper edge (ms): never below the true quantile. */
export function quantile(h: Readonly<Histogram>, q: number): number | undefined {
  const entries = Object.entries(h).map(([b, c]) => [Number(b), c] as const).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, c]) => s + c, 0);
  if (total === 0) return undefined;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (const [b, c] of entries) {
    seen += c;
    if (seen >= rank) return bucketHigh(b);
  }
  return undefined;
}

/** How many recorded latencies are certainly above `ms` (their whole bucket lies above it). */
export function countAbove(h: Readonly<Histogram>, ms: number): number {
  let n = 0;
  for (const [b, c] of Object.entries(h)) if (bucketLow(Number(b)) >= ms) n += c;
  return n;
}
