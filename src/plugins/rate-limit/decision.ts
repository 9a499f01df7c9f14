/**
 * A rate-limit answer as the client sees it, from what the bucket holds after the take:
 * `RateLimit-Limit` (the burst), `RateLimit-Remaining` (whole tokens left, 0 when limited),
 * `RateLimit-Reset` (seconds until the bucket is full again) and, when limited, `Retry-After`
 * (seconds until one token is back; RFC 9110 §10.2.3 delay-seconds, so rounded up).
 */
export interface Decision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
  readonly retryAfterSeconds: number;
}

export function decide(allowed: boolean, tokens: number, perSecond: number, burst: number): Decision {
  return {
    allowed,
    limit: burst,
    remaining: allowed ? Math.floor(tokens) : 0,
    resetSeconds: Math.ceil(Math.max(0, burst - tokens) / perSecond),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / perSecond)),
  };
}

/** Where a limiter keeps its buckets; `undefined` is never returned: store failures throw. */
export interface RateLimitStore {
  take(name: string, key: string, perSecond: number, burst: number): Promise<Decision> | Decision;
}
