/** Round robin over the candidates (Envoy ROUND_ROBIN without weights; see weighted.ts for those). */
import type { Balancer } from './balancer.js';
import type { Endpoint } from './endpoint.js';

export class RoundRobin implements Balancer {
  #next = 0;

  pick(candidates: readonly Endpoint[]): Endpoint {
    const i = this.#next++ % candidates.length;
    if (this.#next >= Number.MAX_SAFE_INTEGER) this.#next = 0;
    return candidates[i] as Endpoint;
  }
}
