/**
 * Circuit breaking as Envoy's cluster thresholds: hard caps on requests in flight, requests
 * waiting for a connection and retries in flight for one upstream (connections are capped per
 * endpoint by its pool). Past a cap the request is refused at once — a 503 the client can act
 * on — instead of queueing into a service that is already behind. Overflows are counted.
 */
import type { CircuitBreakerConfig } from '../config/types.js';

export type Overflow = 'requests' | 'pending' | 'retries' | 'connections';

export class CircuitBreaker {
  readonly limits: CircuitBreakerConfig;
  requests = 0;
  pending = 0;
  retries = 0;
  readonly overflows: Record<Overflow, number> = { requests: 0, pending: 0, retries: 0, connections: 0 };

  constructor(limits: CircuitBreakerConfig) {
    this.limits = limits;
  }

  /** Takes a request slot, or counts an overflow and says no. */
  tryRequest(): boolean {
    if (this.requests >= this.limits.maxRequests) return this.#overflow('requests');
    this.requests++;
    return true;
  }

  endRequest(): void {
    this.requests--;
  }

  tryPending(): boolean {
    if (this.pending >= this.limits.maxPending) return this.#overflow('pending');
    this.pending++;
    return true;
  }

  endPending(): void {
    this.pending--;
  }

  /**
   * A retry slot: under maxRetries and within the budget (retries in flight at most `budget` of
   * requests in flight, but 3 always allowed: Envoy's retry_budget with min_retry_concurrency).
   */
  tryRetry(budget: number): boolean {
    const byBudget = Math.max(3, Math.floor(budget * this.requests));
    if (this.retries >= this.limits.maxRetries || this.retries >= byBudget) return this.#overflow('retries');
    this.retries++;
    return true;
  }

  endRetry(): void {
    this.retries--;
  }

  countConnectionOverflow(): void {
    this.overflows.connections++;
  }

  #overflow(kind: Overflow): false {
    this.overflows[kind]++;
    return false;
  }
}
