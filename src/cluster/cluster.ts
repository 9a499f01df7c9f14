/**
 * One upstream's cluster: its endpoints and everything that protects them — priority and zone
 * choice, the load balancer, active health checks, outlier detection, the circuit breaker, the
 * retry policy and the connection table — built once from config. The protocol (src/upstream/http)
 * asks it which endpoint to use and tells it how each attempt went.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { HashOn, HttpUpstreamConfig } from '../config/types.js';
import { createBalancer, type Balancer } from './balancer.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { ConnectionTable } from './connection-table.js';
import { Endpoint } from './endpoint.js';
import { hashKey } from './hash-key.js';
import { HealthChecker, type Probe } from './health-check.js';
import { OutlierDetector, type Outcome } from './outlier-detector.js';
import { PrioritySet } from './priority-set.js';
import { RetryPolicy } from './retry-policy.js';
import type { UpstreamView } from './upstream-view.js';

/** What a cluster is built from: an http upstream's config, or the cluster keys of another protocol's. */
export type ClusterConfig = Pick<HttpUpstreamConfig, 'name' | 'endpoints' | 'localZone' | 'loadBalancer' | 'healthCheck' | 'outlierDetection' | 'circuitBreaker' | 'retry' | 'tls'>;

export class Cluster {
  readonly name: string;
  readonly endpoints: readonly Endpoint[];
  readonly breaker: CircuitBreaker;
  readonly retry: RetryPolicy;
  readonly table = new ConnectionTable();
  readonly outliers: OutlierDetector;
  readonly health: HealthChecker | undefined;
  readonly #priority: PrioritySet;
  readonly #balancer: Balancer;
  readonly #hashOn: HashOn | undefined;

  /** `probe`: the protocol's own health check (gRPC's Health/Check) instead of an HTTP GET of `healthCheck.path`. */
  constructor(config: ClusterConfig, log: Logger, probe?: Probe) {
    this.name = config.name;
    this.endpoints = config.endpoints.map((e, i) => new Endpoint(e, i));
    this.breaker = new CircuitBreaker(config.circuitBreaker);
    this.retry = new RetryPolicy(config.retry);
    this.#priority = new PrioritySet(this.endpoints, config.localZone);
    this.#balancer = createBalancer(config.loadBalancer.policy, this.endpoints);
    this.#hashOn = config.loadBalancer.policy === 'ring_hash' ? config.loadBalancer.hashOn : undefined;
    this.outliers = new OutlierDetector(config.outlierDetection, this.endpoints, (change) => {
      const fields = { upstream: this.name, endpoint: change.endpoint.url, reason: change.reason };
      if ('until' in change) log.warn({ ...fields, until: new Date(change.until).toISOString(), ejections: change.endpoint.ejections }, 'endpoint ejected');
      else log.info(fields, change.reason === 'returned' ? 'endpoint back on probation (half-open)' : 'endpoint recovered');
    });
    this.health =
      config.healthCheck === undefined
        ? undefined
        : new HealthChecker(
            config.healthCheck,
            config.tls,
            this.endpoints,
            (probe) => {
              if (probe.changed) log.warn({ upstream: this.name, endpoint: probe.endpoint.url, healthy: probe.endpoint.healthy, probe: probe.detail }, probe.endpoint.healthy ? 'endpoint healthy' : 'endpoint unhealthy');
            },
            probe,
          );
    this.health?.start();
  }

  /** The endpoint for this attempt, avoiding ones already tried; undefined when none is available. */
  choose(req: { readonly headers: IncomingHttpHeaders }, remoteAddress: string, tried: ReadonlySet<Endpoint> | undefined): Endpoint | undefined {
    const candidates = this.#priority.candidates(tried);
    if (candidates.length === 0) return undefined;
    if (candidates.length === 1) return candidates[0];
    return this.#balancer.pick(candidates, { hashKey: this.#hashOn === undefined ? undefined : hashKey(this.#hashOn, req, remoteAddress) });
  }

  record(endpoint: Endpoint, outcome: Outcome): void {
    this.outliers.record(endpoint, outcome);
  }

  view(type: string): UpstreamView {
    return {
      name: this.name,
      type,
      endpoints: this.endpoints.map((e) => ({
        url: e.url,
        zone: e.zone,
        priority: e.priority,
        weight: e.weight,
        healthy: e.healthy,
        lastProbe: this.health?.lastResult(e) || undefined,
        ejection: e.ejection,
        ejectedUntil: e.ejectedUntil === 0 ? undefined : new Date(e.ejectedUntil).toISOString(),
        ejections: e.ejections,
        activeRequests: e.active,
      })),
      circuitBreaker: {
        limits: { ...this.breaker.limits },
        current: { requests: this.breaker.requests, pending: this.breaker.pending, retries: this.breaker.retries },
        overflows: { ...this.breaker.overflows },
      },
      ejectionsTotal: { ...this.outliers.ejectionsTotal },
      connections: this.table.view(),
      counters: { ...this.table.counters },
      lastError: this.table.lastError,
    };
  }

  async close(): Promise<void> {
    this.outliers.close();
    await this.health?.close();
  }
}
