/**
 * Active health checking: every `interval`, GET `path` on each endpoint over its own connection
 * (never one carrying client traffic). `unhealthyThreshold` failures in a row mark it unhealthy,
 * `healthyThreshold` passes in a row mark it healthy again. A probe passes when its status is in
 * `expectedStatuses` within `timeout`. Probes run in the background, timers unref'd.
 */
import { Agent, request } from 'undici';
import type { HealthCheckConfig, HttpTlsConfig } from '../config/types.js';
import { endpointConnector } from './tls-connector.js';
import type { Endpoint } from './endpoint.js';

export interface ProbeResult {
  readonly endpoint: Endpoint;
  readonly passed: boolean;
  /** Status, or the error code when no answer came. */
  readonly detail: string;
  /** The endpoint's health verdict changed with this probe. */
  readonly changed: boolean;
}

/** One check of one endpoint by a protocol's own means: whether it passed, and what it saw. */
export type Probe = (endpoint: Endpoint, signal: AbortSignal) => Promise<{ readonly passed: boolean; readonly detail: string }>;

export class HealthChecker {
  readonly #config: HealthCheckConfig;
  readonly #endpoints: readonly Endpoint[];
  readonly #agent: Agent;
  readonly #streak = new Map<Endpoint, number>();
  readonly #last = new Map<Endpoint, string>();
  readonly #onProbe: (result: ProbeResult) => void;
  readonly #probe: Probe | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(config: HealthCheckConfig, tls: HttpTlsConfig, endpoints: readonly Endpoint[], onProbe: (result: ProbeResult) => void = () => {}, probe?: Probe) {
    this.#probe = probe;
    this.#config = config;
    this.#endpoints = endpoints;
    this.#onProbe = onProbe;
    this.#agent = new Agent({ connections: 1, keepAliveTimeout: Math.max(config.interval * 2, 1_000), headersTimeout: config.timeout, bodyTimeout: config.timeout, connect: endpointConnector(tls, config.timeout) });
  }

  start(): void {
    const tick = () => {
      void Promise.all(this.#endpoints.map((e) => this.probe(e))).then(() => {
        if (this.#closed) return;
        this.#timer = setTimeout(tick, this.#config.interval);
        this.#timer.unref();
      });
    };
    tick();
  }

  /** Last probe's outcome for an endpoint ('' before the first). */
  lastResult(endpoint: Endpoint): string {
    return this.#last.get(endpoint) ?? '';
  }

  async probe(endpoint: Endpoint): Promise<void> {
    let passed = false;
    let detail: string;
    try {
      if (this.#probe !== undefined) {
        ({ passed, detail } = await this.#probe(endpoint, AbortSignal.timeout(this.#config.timeout)));
      } else {
        const res = await request(new URL(this.#config.path, endpoint.url), {
          dispatcher: this.#agent,
          headers: { 'user-agent': 'switchyard-health-check' },
          signal: AbortSignal.timeout(this.#config.timeout),
        });
        await res.body.dump();
        passed = this.#config.expectedStatuses.some(([low, high]) => res.statusCode >= low && res.statusCode <= high);
        detail = String(res.statusCode);
      }
    } catch (err) {
      detail = (err as { code?: string }).code ?? (err as Error).name;
    }
    if (this.#closed) return;
    this.#last.set(endpoint, detail);
    const before = endpoint.healthy;
    // Streak: positive counts passes in a row, negative failures in a row.
    const prior = this.#streak.get(endpoint) ?? 0;
    const streak = passed ? Math.max(prior, 0) + 1 : Math.min(prior, 0) - 1;
    this.#streak.set(endpoint, streak);
    if (endpoint.healthy && -streak >= this.#config.unhealthyThreshold) endpoint.healthy = false;
    else if (!endpoint.healthy && streak >= this.#config.healthyThreshold) endpoint.healthy = true;
    this.#onProbe({ endpoint, passed, detail, changed: before !== endpoint.healthy });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#agent.destroy();
  }
}
