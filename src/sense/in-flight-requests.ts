/**
 * The requests the gateway is serving now and those that ended in the last few seconds, with
 * what php-fpm's status page shows of a request (method, URI) and when each began and ended:
 * what `worker-request.ts` matches a php-fpm worker's request against. Ended ones are kept
 * because a short command a quick script runs is over before the sensor's event arrives; the
 * worker's status then shows it as its last request. Fed by the request channels, so the request
 * path itself is untouched; kept only while the config has a `sense` section.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Exchange } from '../listener/exchange.js';
import { channels, type RequestEndMessage, type RequestStartMessage } from '../telemetry/channels.js';

const START = channels.requestStart.name as string;
const END = channels.requestEnd.name as string;

export interface InFlightRequest {
  readonly id: string;
  readonly method: string;
  /** The request target as the client sent it (path and query). */
  readonly url: string;
  /** Wall-clock ms at which the gateway read it. */
  readonly startedAt: number;
  /** Wall-clock ms at which its response closed; undefined while it runs. */
  endedAt: number | undefined;
  /** The upstream its route sends it to, once routed. */
  upstream: string | undefined;
}

/** How long an ended request can still be named. */
export const RECENT_MS = 5_000;

export class InFlightRequests {
  readonly #requests = new Map<Exchange, InFlightRequest>();
  /** Ended requests, oldest first. */
  #recent: InFlightRequest[] = [];
  readonly #onStart = (message: unknown) => {
    const { exchange } = message as RequestStartMessage;
    this.#requests.set(exchange, { id: exchange.id, method: exchange.req.method ?? 'GET', url: exchange.req.url ?? '/', startedAt: Date.now(), endedAt: undefined, upstream: undefined });
  };
  readonly #onEnd = (message: unknown) => {
    const { exchange } = message as RequestEndMessage;
    const request = this.#requests.get(exchange);
    if (request === undefined) return;
    this.#requests.delete(exchange);
    request.endedAt = Date.now();
    request.upstream = exchange.match?.route.to;
    this.#recent.push(request);
    this.#prune(request.endedAt);
  };

  constructor() {
    subscribe(START, this.#onStart);
    subscribe(END, this.#onEnd);
  }

  /** Running requests and those ended within RECENT_MS. */
  list(): InFlightRequest[] {
    this.#prune(Date.now());
    for (const [exchange, request] of this.#requests) request.upstream = exchange.match?.route.to;
    return [...this.#requests.values(), ...this.#recent];
  }

  #prune(now: number): void {
    let old = 0;
    while (old < this.#recent.length && (this.#recent[old]?.endedAt ?? now) < now - RECENT_MS) old++;
    if (old > 0) this.#recent = this.#recent.slice(old);
  }

  close(): void {
    unsubscribe(START, this.#onStart);
    unsubscribe(END, this.#onEnd);
    this.#requests.clear();
    this.#recent = [];
  }
}
