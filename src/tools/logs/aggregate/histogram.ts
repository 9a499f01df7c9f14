/**
 * A latency histogram with log-spaced buckets (4% wide, like HdrHistogram's relative-precision
 * idea at two significant digits): fixed size, so per-route histograms merge across worker
 * threads by adding arrays, and percentiles are within 2% of the exact value. Values are in
 * microseconds; bucket 0 holds sub-microsecond values (nginx writes `0.000` for cached hits).
 */
const BASE = 1.04;
const LN_BASE = Math.log(BASE);
/** 1.04^600 µs is far beyond any request: 587 buckets already cover 2.7 hours. */
export const BUCKETS = 600;

export function bucketOf(us: number): number {
  if (us < 1) return 0;
  const b = 1 + Math.floor(Math.log(us) / LN_BASE);
  return b < BUCKETS ? b : BUCKETS - 1;
}

/** The geometric middle of a bucket, the value it stands for. */
function bucketValue(b: number): number {
  if (b === 0) return 0;
  return Math.pow(BASE, b - 0.5);
}

/** Nearest-rank percentile (q in 0..1), clamped to the exact maximum seen. */
export function percentile(hist: Uint32Array, total: number, q: number, maxUs: number): number {
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let b = 0; b < hist.length; b++) {
    seen += hist[b] as number;
    if (seen >= rank) return Math.min(bucketValue(b), maxUs);
  }
  return maxUs;
}

export function addInto(into: Uint32Array, from: ArrayLike<number>): void {
  for (let b = 0; b < into.length; b++) into[b] = (into[b] as number) + (from[b] as number);
}
