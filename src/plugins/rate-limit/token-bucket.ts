/**
 * Token buckets held in this process, one per key: `burst` tokens at most, refilled at `rate`
 * per second, one taken per request. The arithmetic is shared by the in-process store, the
 * primary's lease ledger and (in Lua) the Redis store, so the three answer alike.
 * Buckets that have refilled completely say nothing a fresh one would not, so they are swept
 * once the map grows.
 */
export interface Bucket {
  tokens: number;
  /** When `tokens` was computed, ms. */
  at: number;
}

/** What a take left behind: whether it was allowed and the tokens now in the bucket. */
export interface Take {
  readonly allowed: boolean;
  /** Tokens handed out (0 when refused). */
  readonly granted: number;
  readonly tokens: number;
}

const SWEEP_ABOVE = 10_000;

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  #sweepAt = SWEEP_ABOVE;

  /** Takes between 1 and `want` tokens for `key`, as many as there are; none when under one. */
  take(key: string, perSecond: number, burst: number, want: number, now: number): Take {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.#sweepAt) this.#sweep(perSecond, burst, now);
      bucket = { tokens: burst, at: now };
      this.#buckets.set(key, bucket);
    }
    const tokens = refill(bucket, perSecond, burst, now);
    if (tokens < 1) return { allowed: false, granted: 0, tokens };
    const granted = Math.min(want, Math.floor(tokens));
    bucket.tokens = tokens - granted;
    return { allowed: true, granted, tokens: bucket.tokens };
  }

  #sweep(perSecond: number, burst: number, now: number): void {
    const fullAfterMs = (burst / perSecond) * 1000;
    for (const [key, bucket] of this.#buckets) if (now - bucket.at >= fullAfterMs) this.#buckets.delete(key);
    // Still crowded with live buckets: sweep again only once it has doubled.
    this.#sweepAt = Math.max(SWEEP_ABOVE, this.#buckets.size * 2);
  }
}

function refill(bucket: Bucket, perSecond: number, burst: number, now: number): number {
  if (now > bucket.at) {
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * perSecond) / 1000);
    bucket.at = now;
  }
  return bucket.tokens;
}
