/**
 * The primary's side of `store: memory` under `serve --workers N`: it holds every bucket, so the
 * workers of one instance share one count instead of N. Workers take tokens in small leases
 * (rate-limit/lease-store.ts), so most requests cost no message at all.
 */
import { TokenBuckets } from './token-bucket.js';
import type { RateLeaseGrant, RateLeaseRequest } from './lease-messages.js';

export class LeaseLedger {
  readonly #buckets = new TokenBuckets();

  grant(request: RateLeaseRequest, now = Date.now()): RateLeaseGrant {
    const take = this.#buckets.take(`${request.name}\0${request.key}`, request.perSecond, request.burst, Math.max(1, request.want), now);
    return { type: 'rate-lease', id: request.id, granted: take.granted, tokens: take.tokens };
  }
}
