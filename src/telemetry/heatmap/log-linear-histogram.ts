/**
 * A log-linear latency histogram in the manner of HdrHistogram: exact below 64 µs, then 32
 * linear sub-buckets per power of two, so any recorded value lies in a bucket at most 1/32 of
 * its size wide (about 1.6% error from the bucket's midpoint). Bucket numbers depend only on the
 * value, so slices recorded at different times line up and merge by adding counts. Written here
 * rather than taken from hdr-histogram-js because only the index arithmetic is needed and a
 * sparse map per slice keeps idle routes near zero bytes.
 */

const SUB_BITS = 5;
const SUB_COUNT = 1 << SUB_BITS; // 32
const LINEAR_LIMIT = SUB_COUNT * 2; // values below 64 µs get a bucket each
/** Values are clamped here: 2^31 µs is about 36 minutes, beyond any request timeout. */
export const MAX_MICROS = 2 ** 31 - 1;

/** The bucket of a latency in microseconds. */
export function bucketOf(micros: number): number {
  const v = Math.min(MAX_MICROS, Math.max(0, Math.floor(micros)));
  if (v < LINEAR_LIMIT) return v;
  const exponent = 31 - Math.clz32(v); // >= 6
  const mantissa = v >>> (exponent - SUB_BITS); // 32..63
  return LINEAR_LIMIT + (exponent - SUB_BITS - 1) * SUB_COUNT + (mantissa - SUB_COUNT);
}

/** The range [low, high) in microseconds that bucket `index` covers. */
export function bucketRange(index: number): readonly [low: number, high: number] {
  if (index < LINEAR_LIMIT) return [index, index + 1];
  const k = index - LINEAR_LIMIT;
  const shift = Math.floor(k / SUB_COUNT) + 1;
  const mantissa = SUB_COUNT + (k % SUB_COUNT);
  return [mantissa * 2 ** shift, (mantissa + 1) * 2 ** shift];
}

/** Sparse counts by bucket. */
export class LatencyHistogram {
  readonly counts = new Map<number, number>();
  total = 0;
  max = 0;

  record(micros: number): void {
    const b = bucketOf(micros);
    this.counts.set(b, (this.counts.get(b) ?? 0) + 1);
    this.total++;
    if (micros > this.max) this.max = micros;
  }

  /** Adds `n` values in `bucket` whose largest was `max` µs (a bucket read back from another histogram). */
  add(bucket: number, n: number, max = 0): void {
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + n);
    this.total += n;
    if (max > this.max) this.max = max;
  }

  merge(other: LatencyHistogram): void {
    for (const [b, n] of other.counts) this.add(b, n);
    if (other.max > this.max) this.max = other.max;
  }

  clear(): void {
    this.counts.clear();
    this.total = 0;
    this.max = 0;
  }

  /** The value at quantile q (0..1), as the midpoint of its bucket, in microseconds. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const b of [...this.counts.keys()].sort((x, y) => x - y)) {
      seen += this.counts.get(b) as number;
      if (seen >= rank) {
        const [low, high] = bucketRange(b);
        return Math.min(this.max, (low + high) / 2);
      }
    }
    return this.max;
  }
}
