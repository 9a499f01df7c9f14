/**
 * One endpoint of a cluster (a service instance) and everything the cluster knows about it:
 * its place (zone, priority, weight), active health, passive ejection state, and requests in
 * flight. Availability is a small predicate, as Caddy's `available() = healthy() && !full()`.
 */
import type { HttpEndpointConfig } from '../config/types.js';

/** `half-open`: back from an ejection, on probation: one request at a time until one succeeds. */
export type EjectionState = 'none' | 'ejected' | 'half-open';

export class Endpoint {
  readonly url: string;
  readonly weight: number;
  readonly zone: string | undefined;
  readonly priority: number;
  /** Position in the cluster's endpoint list; stable for the runtime's life. */
  readonly index: number;
  /** Active health check verdict; endpoints start healthy (as Caddy's do) until probes say otherwise. */
  healthy = true;
  ejection: EjectionState = 'none';
  /** Epoch ms the current ejection ends (0 when not ejected). */
  ejectedUntil = 0;
  /** Ejections so far, decayed while the endpoint behaves; multiplies the next ejection's time. */
  ejections = 0;
  /** Requests in flight (least_request reads this). */
  active = 0;

  constructor(config: HttpEndpointConfig, index: number) {
    this.url = config.url;
    this.weight = config.weight;
    this.zone = config.zone;
    this.priority = config.priority;
    this.index = index;
  }

  /** May take a new request now. */
  available(): boolean {
    if (!this.healthy || this.ejection === 'ejected') return false;
    return this.ejection !== 'half-open' || this.active === 0;
  }

  /** Counts toward its priority level's health (a half-open endpoint does). */
  usable(): boolean {
    return this.healthy && this.ejection !== 'ejected';
  }
}
