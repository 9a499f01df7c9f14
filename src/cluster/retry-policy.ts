/**
 * When a failed attempt may be tried again, and how long to wait first. The rules, safest first:
 * - a request that never reached the upstream (connect failure, or a reset before its body was
 *   read) may be retried whatever its method: the upstream saw nothing;
 * - otherwise only idempotent methods (RFC 9110 §9.2.2) are retried, and only on a condition the
 *   route lists in `retryOn`; a POST whose body went out is never retried.
 * Backoff is exponential with full jitter (the AWS architecture blog's "full jitter"), so
 * retries from many clients do not arrive in waves.
 */
import type { RetryConfig, RetryCondition } from '../config/types.js';
import type { LocalFailure } from './outlier-detector.js';

const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** RFC 9110 §9.2.2: sending the request twice has the effect of sending it once. */
export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method);
}

/** The gateway-side failures each `retryOn` condition covers; a protocol failure none. */
const FAILURES_COVERED: Readonly<Record<RetryCondition, readonly LocalFailure[]>> = {
  'connect-failure': ['connect'],
  reset: ['reset'],
  'gateway-error': ['connect', 'reset', 'timeout'],
  '5xx': ['connect', 'reset', 'timeout'],
};

export interface AttemptFailure {
  /** Gateway-side failure, or undefined when the upstream answered with `status`. */
  readonly failure: LocalFailure | undefined;
  readonly status: number | undefined;
  /** The request body (if any) was not read at all: nothing reached the upstream. */
  readonly bodyUntouched: boolean;
}

export class RetryPolicy {
  readonly #config: RetryConfig;
  readonly #on: ReadonlySet<RetryCondition>;
  readonly #statuses: ReadonlySet<number>;
  readonly #failures: ReadonlySet<LocalFailure>;

  constructor(config: RetryConfig) {
    this.#config = config;
    this.#on = new Set(config.retryOn);
    this.#statuses = new Set(config.retriableStatuses);
    this.#failures = new Set(config.retryOn.flatMap((c) => FAILURES_COVERED[c]));
  }

  get attempts(): number {
    return this.#config.attempts;
  }

  get budget(): number {
    return this.#config.budget;
  }

  /** The answer `status` is one a retry is configured for (so it may be held back and retried). */
  retriesStatus(status: number): boolean {
    if (this.#statuses.has(status)) return true;
    if (this.#on.has('5xx') && status >= 500) return true;
    return this.#on.has('gateway-error') && (status === 502 || status === 503 || status === 504);
  }

  /** Whether this failed attempt may be retried (attempt count and budget are checked apart). */
  allows(method: string, hasBody: boolean, f: AttemptFailure): boolean {
    const neverArrived = f.failure === 'connect' || (f.failure === 'reset' && hasBody && f.bodyUntouched);
    const condition = this.#matches(f);
    if (!condition) return false;
    if (neverArrived) return true;
    return isIdempotent(method) && (!hasBody || f.bodyUntouched);
  }

  /** Wait before retry number `retry` (1-based): random in [0, min(max, base x 2^(retry-1))]. */
  backoff(retry: number, random = Math.random()): number {
    const ceiling = Math.min(this.#config.backoff.max, this.#config.backoff.base * 2 ** (retry - 1));
    return Math.floor(random * ceiling);
  }

  #matches(f: AttemptFailure): boolean {
    if (f.failure !== undefined) return this.#failures.has(f.failure);
    return f.status !== undefined && this.retriesStatus(f.status);
  }
}
