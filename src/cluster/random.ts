/** Uniform random choice (Envoy RANDOM): no shared state, good when many gateways balance alike. */
import type { Balancer } from './balancer.js';
import type { Endpoint } from './endpoint.js';

export class RandomChoice implements Balancer {
  pick(candidates: readonly Endpoint[]): Endpoint {
    return candidates[Math.floor(Math.random() * candidates.length)] as Endpoint;
  }
}
