/**
 * `type: http` upstreams: the router's side of a cluster. Per request: take a circuit-breaker
 * slot, then per attempt choose an endpoint (priority, zone, balancer, health, ejection), take a
 * connection from its pool, send the request (forwarding headers, path rewrite, Host choice) and
 * stream the answer back. A failed attempt is retried on another endpoint when the retry policy,
 * the attempt count and the retry budget all allow it, after a jittered backoff; every attempt's
 * outcome feeds outlier detection. Failures before the response head become 502/503/504
 * problems naming the upstream and endpoint. A WebSocket handshake is sent on as
 * one; a 101 turns the client's connection and that upstream connection into a tunnel.
 */
import type { Logger } from 'pino';
import type { HttpUpstreamConfig } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import type { Exchange } from '../../listener/exchange.js';
import type { Upstream } from '../upstream.js';
import { channels, type UpstreamAttemptEndMessage, type UpstreamAttemptStartMessage } from '../../telemetry/channels.js';
import { Cluster } from '../../cluster/cluster.js';
import type { Endpoint } from '../../cluster/endpoint.js';
import type { UpstreamView } from '../../cluster/upstream-view.js';
import { addForwardingHeaders, endToEndHeaders } from './hop-by-hop.js';
import { Attempt, type AttemptResult } from './attempt.js';
import { EndpointPool } from './endpoint-pool.js';
import { serializeRequestHead, type RequestFraming } from './request-writer.js';
import type { UpstreamConnection } from './upstream-connection.js';
import { isIdempotent } from '../../cluster/retry-policy.js';
import { translateError } from './upstream-error.js';
import { upstreamHost, upstreamPath } from './request-target.js';
import { RetryCauses } from '../../error-chain/retry-causes.js';

export interface HttpUpstream extends Upstream {
  readonly cluster: Cluster;
  describe(): UpstreamView;
}

export function createHttpUpstream(config: HttpUpstreamConfig, log: Logger): HttpUpstream {
  return new HttpUpstreamImpl(config, log);
}

class HttpUpstreamImpl implements HttpUpstream {
  readonly name: string;
  readonly type = 'http';
  readonly cluster: Cluster;
  readonly #config: HttpUpstreamConfig;
  readonly #pools: EndpointPool[];
  readonly #hosts: string[];

  constructor(config: HttpUpstreamConfig, log: Logger) {
    this.name = config.name;
    this.#config = config;
    this.cluster = new Cluster(config, log);
    this.#hosts = config.endpoints.map((e) => new URL(e.url).host);
    this.#pools = this.cluster.endpoints.map(
      (e) =>
        new EndpointPool(
          e,
          {
            upstream: config.name,
            maxConnections: config.circuitBreaker.maxConnections,
            connectTimeout: config.timeouts.connect,
            firstByteTimeout: config.timeouts.firstByte,
            idleTimeout: config.timeouts.idle,
            keepAliveTimeout: config.keepAliveTimeout,
            maxHeaderSize: config.maxResponseHeaderSize,
            tls: config.tls,
          },
          this.cluster.breaker,
          this.cluster.table,
        ),
    );
  }

  async handle(exchange: Exchange): Promise<void> {
    exchange.upstream = this.name;
    const breaker = this.cluster.breaker;
    if (!breaker.tryRequest()) {
      throw new SwitchyardError('SY_ERR_UPSTREAM_CIRCUIT_OPEN', `upstream ${this.name}: ${breaker.limits.maxRequests} requests already in flight (circuitBreaker.maxRequests)`, {
        headers: { 'retry-after': '1' },
      });
    }
    try {
      await this.#proxy(exchange);
    } finally {
      breaker.endRequest();
    }
  }

  describe(): UpstreamView {
    return this.cluster.view(this.type);
  }

  async close(): Promise<void> {
    await Promise.all([this.cluster.close(), ...this.#pools.map((p) => p.close())]);
  }

  async #proxy(exchange: Exchange): Promise<void> {
    const { req } = exchange;
    const method = req.method ?? 'GET';
    const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
    const path = upstreamPath(exchange);
    const route = exchange.match?.route;
    const policy = this.cluster.retry;
    let tried: Set<Endpoint> | undefined;
    let holdingRetry = false;
    // A retried request tells the next endpoint what failed before (X-Error-Chain).
    const causes = new RetryCauses();
    // A retry slot is taken when a retry is decided and held until that retry is over.
    const takeRetry = () => {
      if (!this.cluster.breaker.tryRetry(policy.budget)) return false;
      if (holdingRetry) this.cluster.breaker.endRetry();
      holdingRetry = true;
      return true;
    };
    try {
      for (let attempt = 1; ; attempt++) {
        const endpoint = this.cluster.choose(req, exchange.remoteAddress, tried);
        if (endpoint === undefined) {
          throw new SwitchyardError('SY_ERR_UPSTREAM_UNAVAILABLE', `upstream ${this.name}: no endpoint is healthy and not ejected (${this.cluster.endpoints.length} configured)`, {
            headers: { 'retry-after': '1' },
          });
        }
        const headers = this.#headers(exchange, endpoint, route?.hostHeader);
        causes.addTo(headers, req.headers['x-error-chain']);
        // Telemetry may put traceparent in the carrier (these headers); it goes upstream as is.
        const start: UpstreamAttemptStartMessage | undefined =
          channels.upstreamAttemptStart.hasSubscribers || channels.upstreamAttemptEnd.hasSubscribers
            ? { exchange, upstream: this.name, attempt, endpoint: endpoint.url, carrier: headers as Record<string, string> }
            : undefined;
        if (start !== undefined && channels.upstreamAttemptStart.hasSubscribers) channels.upstreamAttemptStart.publish(start);
        const canRetry = attempt < policy.attempts;
        const outcome = await this.#attempt(exchange, endpoint, method, path, headers, hasBody, canRetry, takeRetry);
        if (start !== undefined && channels.upstreamAttemptEnd.hasSubscribers) {
          channels.upstreamAttemptEnd.publish((outcome.kind === 'failed' ? { start, error: outcome.error } : { start, statusCode: outcome.status }) satisfies UpstreamAttemptEndMessage);
        }
        if (outcome.kind === 'forwarded') return;
        if (outcome.kind === 'failed') {
          const retry = canRetry && !exchange.aborted && policy.allows(method, hasBody, { failure: outcome.failure, status: undefined, bodyUntouched: bodyUntouched(req) }) && takeRetry();
          if (!retry) throw outcome.error;
          causes.failed(outcome.error);
          exchange.log.debug({ upstream: this.name, endpoint: endpoint.url, attempt, err: outcome.error.code }, 'retrying upstream request');
        }
        if (outcome.kind === 'retry') causes.answered(endpoint.url, outcome.status);
        (tried ??= new Set()).add(endpoint);
        await sleep(policy.backoff(attempt), exchange.signal);
        if (exchange.aborted) return;
      }
    } finally {
      if (holdingRetry) this.cluster.breaker.endRetry();
    }
  }

  /** One attempt on `endpoint`: 'forwarded', 'retry' (answer swallowed) or 'failed' (translated). */
  async #attempt(
    exchange: Exchange,
    endpoint: Endpoint,
    method: string,
    path: string,
    headers: Record<string, string | string[]>,
    hasBody: boolean,
    canRetry: boolean,
    takeRetry: () => boolean,
  ): Promise<Exclude<AttemptResult, { kind: 'failed' }> | { kind: 'failed'; error: SwitchyardError; failure: ReturnType<typeof translateError>['failure'] }> {
    const pool = this.#pools[endpoint.index] as EndpointPool;
    const label = `upstream ${this.name} (${endpoint.url})`;
    const framing: RequestFraming = !hasBody ? 'none' : exchange.req.headers['transfer-encoding'] !== undefined ? 'chunked' : 'length';
    if (headers['host'] === undefined) headers['host'] = pool.authority;
    // A WebSocket handshake keeps its Upgrade (hop-by-hop, so dropped with the others) on this hop.
    const upgrade = exchange.upgradeHead === undefined ? '' : `connection: upgrade\r\nupgrade: ${String(exchange.req.headers.upgrade)}\r\n`;
    let head: string;
    try {
      head = serializeRequestHead(method, path, headers, framing, upgrade);
    } catch (err) {
      throw new SwitchyardError('SY_ERR_BAD_REQUEST', `${label}: the request head cannot be sent (${String((err as Error).message).toLowerCase()})`, { cause: err });
    }
    const startedAt = performance.now();
    endpoint.active++;
    let headSeen = false;
    const policy = this.cluster.retry;
    const options = {
      exchange,
      label,
      totalTimeout: this.#config.timeouts.total,
      tunnelIdleTimeout: this.#config.timeouts.idle,
      head,
      framing,
      onHead: (status: number) => {
        headSeen = true;
        this.cluster.record(endpoint, { status, latencyMs: performance.now() - startedAt });
      },
      decide: (status: number) =>
        canRetry && policy.retriesStatus(status) && !exchange.aborted && policy.allows(method, hasBody, { failure: undefined, status, bodyUntouched: bodyUntouched(exchange.req) }) && takeRetry()
          ? ('retry' as const)
          : ('forward' as const),
    };
    let result: AttemptResult;
    // A kept connection may be closing as the request is handed to it: an idempotent request that
    // got no byte of answer goes again once, on a new connection, as undici and nginx do.
    for (let fresh = false; ; fresh = true) {
      let conn: UpstreamConnection;
      try {
        const got = pool.acquire(() => exchange.signal, fresh);
        conn = got instanceof Promise ? await got : got;
      } catch (err) {
        endpoint.active--;
        if (err instanceof SwitchyardError) throw err;
        throw new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${label}: client left while waiting for a connection`, { cause: err });
      }
      const attempt = new Attempt(options, conn);
      attempt.start(method);
      result = await attempt.result;
      pool.release(conn, result.kind !== 'failed' && result.reusable);
      if (result.kind !== 'failed' || fresh || !result.reusedUnanswered || exchange.aborted) break;
      if (!isIdempotent(method) || (hasBody && !bodyUntouched(exchange.req))) break;
    }
    endpoint.active--;
    if (result.kind !== 'failed') return result;
    const translated = translateError(result.error, this.name, endpoint.url, result.connected);
    // A client that left is no verdict on the endpoint.
    if (!headSeen && !exchange.aborted) this.cluster.record(endpoint, { failure: translated.failure, latencyMs: performance.now() - startedAt });
    return { kind: 'failed', error: translated.error, failure: translated.failure };
  }

  #headers(exchange: Exchange, endpoint: Endpoint, hostHeader: string | undefined): Record<string, string | string[]> {
    const { req } = exchange;
    const headers = endToEndHeaders(req.headers);
    // The client's `Expect: 100-continue` was answered by this hop (node sends the 100); the body
    // is already coming, so the upstream is not asked again (RFC 9110 §10.1.1).
    delete headers['expect'];
    addForwardingHeaders(headers, { address: exchange.remoteAddress, proto: exchange.secure ? 'https' : 'http', host: req.headers.host });
    headers['x-request-id'] = exchange.id;
    const host = upstreamHost(hostHeader, this.#hosts[endpoint.index] as string);
    if (host !== undefined) headers['host'] = host;
    return headers;
  }
}

/** Nothing of the request body was read yet, so nothing of it can have reached an upstream. */
function bodyUntouched(req: Exchange['req']): boolean {
  return !req.readableDidRead && !req.destroyed;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
