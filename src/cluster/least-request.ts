/**
 * Least request by the power of two choices (Envoy LEAST_REQUEST, choice_count 2): two random
 * candidates, the one with fewer requests in flight wins. Nearly as good as scanning all, O(1),
 * and never herds every gateway worker onto the same momentarily idle endpoint.
 */
import type { Balancer } from './balancer.js';
import type { Endpoint } from './endpoint.js';

export class LeastRequest implements Balancer {
  pick(candidates: readonly Endpoint[]): Endpoint {
    const n = candidates.length;
    if (n === 1) return candidates[0] as Endpoint;
    const a = Math.floor(Math.random() * n);
    let b = Math.floor(Math.random() * (n - 1));
    if (b >= a) b++;
    const first = candidates[a] as Endpoint;
    const second = candidates[b] as Endpoint;
    return second.active < first.active ? second : first;
  }
}
