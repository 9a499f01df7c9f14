/**
 * `store: memory` in a worker of `serve --workers N`: the primary holds the buckets
 * (lease-ledger.ts) and a worker takes tokens from it in leases, so the instance counts once,
 * whichever worker a connection lands on.
 *
 * How exact: every request admitted spent a token taken from the primary's one bucket, so over
 * any span the instance admits no more than the bucket grants, plus what was leased just before
 * the span (a lease is used within LEASE_MS or dropped). A lease is at most 1/50 s of the rate and
 * at most a quarter of the burst shared among the workers, so with 100/s every request asks
 * (exact); with 100000/s a worker asks about once per 2000 requests. Tokens a worker leased and
 * did not use within LEASE_MS are lost, so a client spread over N workers may be refused up to
 * N leases early. `RateLimit-Remaining` is the primary's count at the last lease plus what this
 * worker still holds.
 */
import { decide, type Decision, type RateLimitStore } from './decision.js';
import type { RateLeaseGrant, RateLeaseRequest } from './lease-messages.js';
import { SwitchyardError } from '../../errors.js';

const LEASE_MS = 250;
const ANSWER_TIMEOUT_MS = 1_000;
const SWEEP_ABOVE = 10_000;

interface Held {
  tokens: number;
  /** The primary's bucket after the lease, for RateLimit-Remaining. */
  primaryTokens: number;
  expiresAt: number;
}

export class LeaseStore implements RateLimitStore {
  readonly #held = new Map<string, Held>();
  readonly #waiting = new Map<number, (grant: RateLeaseGrant) => void>();
  readonly #workers: number;
  #nextId = 1;

  constructor(workers: number) {
    this.#workers = Math.max(1, workers);
    process.on('message', (message: unknown) => {
      const m = message as Partial<RateLeaseGrant>;
      if (m.type !== 'rate-lease' || typeof m.id !== 'number') return;
      const resolve = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      resolve?.(m as RateLeaseGrant);
    });
  }

  take(name: string, key: string, perSecond: number, burst: number): Decision | Promise<Decision> {
    const id = `${name}\0${key}`;
    const held = this.#held.get(id);
    const now = Date.now();
    if (held !== undefined && held.tokens >= 1 && held.expiresAt > now) {
      held.tokens -= 1;
      return decide(true, held.primaryTokens + held.tokens, perSecond, burst);
    }
    const want = Math.max(1, Math.min(Math.floor(perSecond / 50), Math.floor(burst / (4 * this.#workers))));
    return this.#ask({ type: 'rate-lease', id: 0, name, key, perSecond, burst, want }).then((grant) => {
      if (grant.granted === 0) {
        this.#held.delete(id);
        return decide(false, grant.tokens, perSecond, burst);
      }
      const left = grant.granted - 1;
      if (left > 0) this.#hold(id, { tokens: left, primaryTokens: grant.tokens, expiresAt: Date.now() + LEASE_MS });
      else this.#held.delete(id);
      return decide(true, grant.tokens + left, perSecond, burst);
    });
  }

  #hold(id: string, held: Held): void {
    if (this.#held.size >= SWEEP_ABOVE) {
      const now = Date.now();
      for (const [key, h] of this.#held) if (h.expiresAt <= now) this.#held.delete(key);
    }
    this.#held.set(id, held);
  }

  #ask(request: RateLeaseRequest): Promise<RateLeaseGrant> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new SwitchyardError('SY_ERR_RATE_LIMIT_STORE', `the primary process did not grant rate-limit tokens within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      this.#waiting.set(id, (grant) => {
        clearTimeout(timer);
        resolve(grant);
      });
      process.send?.({ ...request, id });
    });
  }
}
