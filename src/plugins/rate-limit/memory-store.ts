/**
 * `store: memory` in a single process: the buckets live here, a take costs a map lookup.
 */
import { TokenBuckets } from './token-bucket.js';
import { decide, type Decision, type RateLimitStore } from './decision.js';

export class MemoryStore implements RateLimitStore {
  readonly #buckets = new TokenBuckets();

  take(name: string, key: string, perSecond: number, burst: number): Decision {
    const take = this.#buckets.take(`${name}\0${key}`, perSecond, burst, 1, Date.now());
    return decide(take.allowed, take.tokens, perSecond, burst);
  }
}
