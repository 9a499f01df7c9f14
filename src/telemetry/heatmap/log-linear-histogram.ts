/**
 * A log-linear latency histogram in the manner of HdrHistogram: exact below 64 µs, then 32
 * linear sub-buckets per power of two, so any recorded value lies in a bucket at most 1/32 of
 * its size wide (about 1.6% error from the bucket's midpoint). Bucket numbers depend only on the
 * value, so slices recorded at different times line up and merge by adding counts. Written here
 * rather than taken from hdr-histogram-js because only the index arithmetic is needed and a
 * heatmap holds hundreds of slices per route: counts are a sparse map while a slice is recorded
 * into, and two small typed arrays once it is closed (`compact`): about 8 bytes per bucket used,
 * the arrays' own overhead included, instead of a map's ~28, so a busy route's 15-minute ring
 * holds under 2 MB instead of over 6.
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

const NO_BUCKETS = new Uint16Array(0);
const NO_COUNTS = new Uint32Array(0);

/** Counts by bucket, with the total and the largest value recorded. */
export class LatencyHistogram {
  total = 0;
  max = 0;
  /** Counts by bucket while recorded into; undefined once compacted (or before the first value). */
  #live: Map<number, number> | undefined;
  /** Once compacted: the buckets that have a count, ascending (every bucket number fits 16 bits), and their counts. */
  #buckets: Uint16Array = NO_BUCKETS;
  #counts: Uint32Array = NO_COUNTS;

  record(micros: number): void {
    this.add(bucketOf(micros), 1, micros);
  }

  /** Adds `n` values in `bucket` whose largest was `max` µs (a bucket read back from another histogram). */
  add(bucket: number, n: number, max = 0): void {
    const live = this.#live ?? this.#thaw();
    live.set(bucket, (live.get(bucket) ?? 0) + n);
    this.total += n;
    if (max > this.max) this.max = max;
  }

  merge(other: LatencyHistogram): void {
    for (const [b, n] of other.entries()) this.add(b, n);
    if (other.max > this.max) this.max = other.max;
  }

  /** The buckets that have a count and their counts, ascending by bucket. */
  entries(): [bucket: number, count: number][] {
    if (this.#live === undefined) return Array.from(this.#buckets, (b, i) => [b, this.#counts[i] as number]);
    return [...this.#live].sort((x, y) => x[0] - y[0]);
  }

  /** Packs the counts into typed arrays: for a slice that is done being recorded into (a later `add` still works). */
  compact(): void {
    if (this.#live === undefined) return;
    const entries = this.entries();
    this.#buckets = Uint16Array.from(entries, (e) => e[0]);
    this.#counts = Uint32Array.from(entries, (e) => e[1]);
    this.#live = undefined;
  }

  clear(): void {
    this.#live = undefined;
    this.#buckets = NO_BUCKETS;
    this.#counts = NO_COUNTS;
    this.total = 0;
    this.max = 0;
  }

  /** The value at quantile q (0..1), as the midpoint of its bucket, in microseconds. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (const [b, n] of this.entries()) {
      seen += n;
      if (seen >= rank) {
        const [low, high] = bucketRange(b);
        return Math.min(this.max, (low + high) / 2);
      }
    }
    return this.max;
  }

  #thaw(): Map<number, number> {
    const live = new Map<number, number>();
    this.#buckets.forEach((b, i) => live.set(b, this.#counts[i] as number));
    this.#buckets = NO_BUCKETS;
    this.#counts = NO_COUNTS;
    this.#live = live;
    return live;
  }
}
