/**
 * The load-balancing contract: pick one of the candidate endpoints (all available, never empty)
 * for a request. Policies live one per file; `createBalancer` maps the config's policy name to
 * one. Zone and priority choice happens before, in priority-set.ts, so every policy sees only the
 * endpoints it may use.
 */
import type { LoadBalancerPolicy } from '../config/types.js';
import type { Endpoint } from './endpoint.js';
import { RoundRobin } from './round-robin.js';
import { LeastRequest } from './least-request.js';
import { RandomChoice } from './random.js';
import { SmoothWeighted } from './weighted.js';
import { RingHash } from './ring-hash.js';

export interface PickContext {
  /** Hash key for ring_hash (header, cookie or client address); undefined picks at random. */
  readonly hashKey: string | undefined;
}

export interface Balancer {
  pick(candidates: readonly Endpoint[], context: PickContext): Endpoint;
}

export function createBalancer(policy: LoadBalancerPolicy, all: readonly Endpoint[]): Balancer {
  switch (policy) {
    case 'round_robin':
      return new RoundRobin();
    case 'least_request':
      return new LeastRequest();
    case 'random':
      return new RandomChoice();
    case 'weighted':
      return new SmoothWeighted();
    case 'ring_hash':
      return new RingHash(all);
  }
}
