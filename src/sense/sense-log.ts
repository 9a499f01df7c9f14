/**
 * The gateway's side of the kernel sensor: the events `switchyard sense` posted, the newest
 * `sense.keep` of them, listed at `GET /admin/sense`. An exec by a php-fpm worker is given the
 * id of the request that worker was serving (worker-request.ts) before it is stored, which is why
 * the gateway tracks its in-flight requests while `sense` is configured. TCP events on an http
 * upstream's endpoint are handed to that cluster (outlier detection).
 */
import type { FastcgiUpstreamConfig, GatewayConfig, SenseConfig } from '../config/types.js';
import { defaults } from '../config/defaults.js';
import type { SenseEvent } from './event.js';
import { InFlightRequests } from './in-flight-requests.js';
import { requestOfWorker } from './worker-request.js';

/** What the sensor posts: an event less what the gateway fills in, plus the worker of an exec. */
export type PostedEvent = Omit<SenseEvent, 'requestId' | 'time'> & { readonly time?: string | null | undefined; readonly requestId?: string | null | undefined };

/** How long the status pages may take to name a worker's request. */
const STATUS_TIMEOUT_MS = 1_000;

export class SenseLog {
  readonly #config: () => GatewayConfig;
  readonly #inFlight: InFlightRequests | undefined;
  readonly #events: SenseEvent[] = [];
  readonly #onTcp: (event: SenseEvent) => void;

  /** `config` is read per event, so a reload's `sense.keep` and pools apply to the next one. */
  constructor(config: () => GatewayConfig, onTcp: (event: SenseEvent) => void = () => {}) {
    this.#config = config;
    this.#onTcp = onTcp;
    this.#inFlight = config().sense === undefined ? undefined : new InFlightRequests();
  }

  get #sense(): SenseConfig {
    return this.#config().sense ?? defaults.sense;
  }

  /** Stores posted events (an exec with the request its worker serves) and returns them as stored. */
  async add(posted: readonly PostedEvent[]): Promise<SenseEvent[]> {
    const stored = await Promise.all(posted.map((p) => this.#complete(p)));
    this.#events.push(...stored);
    const over = this.#events.length - this.#sense.keep;
    if (over > 0) this.#events.splice(0, over);
    for (const e of stored) if (e.kind !== 'exec') this.#onTcp(e);
    return stored;
  }

  list(): readonly SenseEvent[] {
    return this.#events;
  }

  close(): void {
    this.#inFlight?.close();
  }

  async #complete(p: PostedEvent): Promise<SenseEvent> {
    let requestId = p.requestId ?? null;
    if (p.kind === 'exec' && requestId === null && this.#inFlight !== undefined) {
      const inFlight = this.#inFlight;
      const pools = [...this.#config().upstreams.values()].filter((u): u is FastcgiUpstreamConfig => u.type === 'fastcgi');
      requestId = await requestOfWorker(p.pid, pools, () => inFlight.list(), STATUS_TIMEOUT_MS);
    }
    return {
      time: p.time ?? new Date().toISOString(),
      kind: p.kind,
      pid: p.pid,
      comm: p.comm,
      command: p.command ?? null,
      port: p.port ?? null,
      from: p.from ?? null,
      to: p.to ?? null,
      requestId,
      child: p.child ?? null,
      address: p.address ?? null,
    };
  }
}
