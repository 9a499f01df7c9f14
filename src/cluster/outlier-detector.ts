/**
 * Passive health: outlier detection as Envoy does it. Every finished attempt is recorded; an
 * endpoint is ejected (taken out of balancing) after `consecutive5xx` 5xx answers or
 * `consecutiveGatewayFailure` gateway failures (502/503/504, connect failures, resets, timeouts)
 * in a row, and every `interval` when its success rate is below mean - stdevFactor x stdev of
 * its peers, or its mean latency above latencyFactor x the peers' median.
 *
 * An ejection lasts baseEjectionTime x (number of ejections), capped at maxEjectionTime; the
 * count decays by one each interval the endpoint is not ejected. At most maxEjectionPercent of
 * the endpoints are out at once, but one may always be (Envoy). When the time is up the endpoint
 * comes back half-open: one request at a time; the first success closes it, the first failure
 * ejects it again for longer.
 *
 * The kernel sensor (`switchyard sense`) adds a signal the gateway cannot see itself: TCP
 * retransmits on connections to an endpoint (packet loss, a peer that stopped acknowledging).
 * `retransmits` of them within one interval eject it, reason `retransmits`.
 */
import type { OutlierDetectionConfig } from '../config/types.js';
import type { Endpoint } from './endpoint.js';

export type LocalFailure = 'connect' | 'reset' | 'timeout' | 'protocol';

/** What one attempt came to: an HTTP status, or a failure of the gateway's own making. */
export type Outcome = { readonly status: number; readonly latencyMs: number } | { readonly failure: LocalFailure; readonly latencyMs: number };

export type EjectionReason = 'consecutive-5xx' | 'consecutive-gateway-failure' | 'success-rate' | 'latency' | 'half-open-failure' | 'retransmits';

export interface EjectionEvent {
  readonly endpoint: Endpoint;
  readonly reason: EjectionReason;
  readonly until: number;
}

export type OutlierChange = EjectionEvent | { readonly endpoint: Endpoint; readonly reason: 'returned' | 'recovered' };

interface Tally {
  consecutive5xx: number;
  consecutiveGateway: number;
  requests: number;
  successes: number;
  latencySum: number;
  /** TCP retransmits the kernel sensor reported this interval. */
  retransmits: number;
  timer: NodeJS.Timeout | undefined;
}

export class OutlierDetector {
  readonly #config: OutlierDetectionConfig;
  readonly #endpoints: readonly Endpoint[];
  readonly #tallies = new Map<Endpoint, Tally>();
  readonly #interval: NodeJS.Timeout;
  readonly #onChange: (change: OutlierChange) => void;
  /** Ejections made so far, by reason (for the admin view). */
  readonly ejectionsTotal: Record<EjectionReason, number> = { 'consecutive-5xx': 0, 'consecutive-gateway-failure': 0, 'success-rate': 0, latency: 0, 'half-open-failure': 0, retransmits: 0 };

  constructor(config: OutlierDetectionConfig, endpoints: readonly Endpoint[], onChange: (change: OutlierChange) => void = () => {}) {
    this.#config = config;
    this.#endpoints = endpoints;
    this.#onChange = onChange;
    for (const e of endpoints) this.#tallies.set(e, { consecutive5xx: 0, consecutiveGateway: 0, requests: 0, successes: 0, latencySum: 0, retransmits: 0, timer: undefined });
    this.#interval = setInterval(() => this.sweep(), config.interval);
    this.#interval.unref();
  }

  record(endpoint: Endpoint, outcome: Outcome): void {
    const t = this.#tallies.get(endpoint);
    if (t === undefined) return;
    const status = 'status' in outcome ? outcome.status : 0;
    const is5xx = status >= 500 || 'failure' in outcome;
    const isGateway = 'failure' in outcome || status === 502 || status === 503 || status === 504;
    t.requests++;
    t.latencySum += outcome.latencyMs;
    if (!is5xx) t.successes++;
    if (endpoint.ejection === 'half-open') {
      if (is5xx) this.#eject(endpoint, 'half-open-failure');
      else {
        endpoint.ejection = 'none';
        this.#onChange({ endpoint, reason: 'recovered' });
      }
      t.consecutive5xx = 0;
      t.consecutiveGateway = 0;
      return;
    }
    t.consecutive5xx = is5xx ? t.consecutive5xx + 1 : 0;
    t.consecutiveGateway = isGateway ? t.consecutiveGateway + 1 : 0;
    if (endpoint.ejection !== 'none') return;
    const c = this.#config;
    if (c.consecutive5xx > 0 && t.consecutive5xx >= c.consecutive5xx) this.#eject(endpoint, 'consecutive-5xx');
    else if (c.consecutiveGatewayFailure > 0 && t.consecutiveGateway >= c.consecutiveGatewayFailure) this.#eject(endpoint, 'consecutive-gateway-failure');
  }

  /** A TCP retransmit on a connection to the endpoint, as the kernel sensor saw it. */
  recordRetransmit(endpoint: Endpoint): void {
    const t = this.#tallies.get(endpoint);
    if (t === undefined) return;
    t.retransmits++;
    const limit = this.#config.retransmits;
    if (limit > 0 && t.retransmits >= limit && endpoint.ejection === 'none') {
      t.retransmits = 0;
      this.#eject(endpoint, 'retransmits');
    }
  }

  /** The interval's work: statistical outliers, decay of ejection counts, fresh tallies. */
  sweep(): void {
    const c = this.#config;
    const judged = this.#endpoints.filter((e) => e.ejection === 'none' && (this.#tallies.get(e)?.requests ?? 0) >= c.successRateRequestVolume);
    if (judged.length >= c.successRateMinimumHosts) {
      const rates = judged.map((e) => {
        const t = this.#tallies.get(e) as Tally;
        return t.successes / t.requests;
      });
      const mean = rates.reduce((a, b) => a + b, 0) / rates.length;
      const stdev = Math.sqrt(rates.reduce((a, r) => a + (r - mean) ** 2, 0) / rates.length);
      const floor = mean - c.successRateStdevFactor * stdev;
      judged.forEach((e, i) => {
        if ((rates[i] as number) < floor) this.#eject(e, 'success-rate');
      });
      if (c.latencyFactor > 0) {
        const means = judged.map((e) => {
          const t = this.#tallies.get(e) as Tally;
          return t.latencySum / t.requests;
        });
        const sorted = [...means].sort((a, b) => a - b);
        const median = sorted[Math.floor(sorted.length / 2)] as number;
        judged.forEach((e, i) => {
          if (e.ejection === 'none' && (means[i] as number) > c.latencyFactor * median) this.#eject(e, 'latency');
        });
      }
    }
    for (const [e, t] of this.#tallies) {
      if (e.ejection === 'none' && e.ejections > 0) e.ejections--;
      t.requests = 0;
      t.successes = 0;
      t.latencySum = 0;
      t.retransmits = 0;
    }
  }

  close(): void {
    clearInterval(this.#interval);
    for (const t of this.#tallies.values()) clearTimeout(t.timer);
  }

  #eject(endpoint: Endpoint, reason: EjectionReason): void {
    const out = this.#endpoints.filter((e) => e.ejection === 'ejected').length;
    const allowed = Math.max(1, Math.floor((this.#endpoints.length * this.#config.maxEjectionPercent) / 100));
    if (reason !== 'half-open-failure' && out >= allowed) return;
    endpoint.ejections++;
    const ms = Math.min(this.#config.baseEjectionTime * endpoint.ejections, Math.max(this.#config.maxEjectionTime, this.#config.baseEjectionTime));
    endpoint.ejection = 'ejected';
    endpoint.ejectedUntil = Date.now() + ms;
    this.ejectionsTotal[reason]++;
    const t = this.#tallies.get(endpoint) as Tally;
    t.consecutive5xx = 0;
    t.consecutiveGateway = 0;
    clearTimeout(t.timer);
    t.timer = setTimeout(() => {
      t.timer = undefined;
      endpoint.ejection = 'half-open';
      endpoint.ejectedUntil = 0;
      this.#onChange({ endpoint, reason: 'returned' });
    }, ms);
    t.timer.unref();
    this.#onChange({ endpoint, reason, until: endpoint.ejectedUntil });
  }
}
