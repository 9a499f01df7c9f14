/**
 * The running gateway: listeners, the per-request path (request id -> limits -> router ->
 * route's filter chain -> upstream -> access log), and the lifecycle: start, hot reload (new
 * requests take the new runtime, in-flight and queued ones finish on the one they started with,
 * whose replaced upstreams close only once its last request has ended), and
 * graceful stop (stop accepting, let in-flight requests finish, then close). A protocol switch
 * (WebSocket handshake) takes the same path on its raw socket; the tunnel it becomes counts as in
 * flight until either side closes, and is cut when the shutdown grace ends.
 * This is the proxy core loop; docs/lifecycle.md names each stage and its failure status.
 */
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { SwitchyardError } from '../errors.js';
import { Exchange, type ExchangeRequest, type ExchangeResponse } from '../listener/exchange.js';
import { sendProblem } from '../listener/problem.js';
import { requestIdFrom } from '../listener/request-id.js';
import { createListener, listen, serverUrl, type HttpListener } from '../listener/http-listener.js';
import type { ServerRequest } from '../listener/server-request.js';
import type { ServerResponse } from '../listener/server-response.js';
import { createAccessLog, type AccessLogWriter } from '../telemetry/access-log.js';
import type { Runtime } from './build.js';
import type { ListenerConfig } from '../config/types.js';
import { formatAddress } from '../config/address.js';
import { channels, type RequestEndMessage, type RequestStartMessage } from '../telemetry/channels.js';

/** A runtime and how many requests that started on it are still running. */
interface Generation {
  readonly runtime: Runtime;
  inFlight: number;
}

export class Gateway {
  #current: Generation;
  /** Generations replaced by a reload whose requests have not all ended yet. */
  readonly #retired = new Set<Generation>();
  readonly #log: Logger;
  readonly #servers: HttpListener[] = [];
  /** Raw sockets of protocol switches (WebSocket tunnels) still open: servers do not track them. */
  readonly #upgraded = new Set<Duplex>();
  readonly #accessLog: AccessLogWriter;
  #inFlight = 0;
  #draining = false;
  #drained: (() => void) | undefined;

  constructor(runtime: Runtime, log: Logger) {
    this.#current = { runtime, inFlight: 0 };
    this.#log = log;
    this.#accessLog = createAccessLog(runtime.config.accessLog.target);
  }

  get runtime(): Runtime {
    return this.#current.runtime;
  }

  async start(): Promise<void> {
    const { config } = this.#current.runtime;
    for (const address of config.listen) {
      const server = createListener({ address, limits: config.limits, timeouts: config.timeouts, onRequest: (req, res) => this.#handle(req, res), onUpgrade: (req, res, head) => this.#upgrade(req, res, head), onHttp2Request: (req, res) => this.#handle(req, res), onTlsError: (err) => this.#log.debug({ err: err.message }, 'TLS handshake failed') });
      await listen(server, address);
      this.#servers.push(server);
    }
  }

  /** Bound addresses as URLs (with the real port when 0 was configured). */
  urls(): string[] {
    return this.#servers.map(serverUrl);
  }

  /**
   * Swaps in a runtime built from a new config. Requests that started on the old one (in
   * flight, or queued for a php-fpm slot) finish there; its upstreams that the new runtime did
   * not take over close when the last of them has ended.
   */
  async reload(runtime: Runtime): Promise<void> {
    const old = this.#current;
    this.#renewCertificates(runtime.config.listen);
    this.#current = { runtime, inFlight: 0 };
    this.#retired.add(old);
    if (old.inFlight === 0) this.#retire(old);
  }

  /**
   * A reload reads the certificate files again: a TLS listener whose address is still configured
   * with TLS serves the new ones to new connections (renewal without a restart). Listeners are
   * not moved by a reload; an address added, removed or changed waits for a restart.
   */
  #renewCertificates(listen: readonly ListenerConfig[]): void {
    for (const server of this.#servers) {
      if (!server.secure) continue;
      const at = formatAddress(server.configured);
      const now = listen.find((l) => l.tls !== undefined && formatAddress(l) === at);
      if (now?.tls !== undefined) server.setCertificate(now.tls);
      else this.#log.warn({ listen: at }, 'TLS listener no longer configured with TLS: it keeps its certificate until a restart');
    }
  }

  /** Closes a drained old generation's upstreams that no live generation still uses. */
  #retire(generation: Generation): void {
    this.#retired.delete(generation);
    const live = [this.#current, ...this.#retired];
    for (const upstream of generation.runtime.upstreams.values()) {
      if (!live.some((g) => [...g.runtime.upstreams.values()].includes(upstream))) void upstream.close();
    }
  }

  /** Writes buffered access-log lines now (otherwise: in 4 KiB batches, at least every second). */
  flushAccessLog(): void {
    this.#accessLog.flush();
  }

  /** Graceful stop: no new connections, idle ones closed, in-flight requests get `graceMs`. */
  async stop(graceMs = this.#current.runtime.config.timeouts.shutdown): Promise<void> {
    this.#draining = true;
    const closed = this.#servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of this.#servers) s.closeIdleConnections();
    if (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        timer.unref();
        this.#drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const s of this.#servers) s.closeAllConnections();
    for (const socket of this.#upgraded) socket.destroy();
    await Promise.all(closed);
    const upstreams = new Set([this.#current, ...this.#retired].flatMap((g) => [...g.runtime.upstreams.values()]));
    await Promise.all([...upstreams].map((u) => u.close()));
    this.#accessLog.close();
  }

  /**
   * A WebSocket handshake: the listener hands over the raw socket with a response bound to it, so
   * the handshake runs the ordinary path (router, filters, problems, access log); the connection
   * closes after the answer unless an upstream turns it into a tunnel.
   */
  #upgrade(req: ServerRequest, res: ServerResponse, head: Buffer): void {
    const socket = req.socket;
    this.#upgraded.add(socket);
    socket.once('close', () => this.#upgraded.delete(socket));
    this.#handle(req, res, head);
  }

  #handle(req: ExchangeRequest, res: ExchangeResponse, upgradeHead?: Buffer): void {
    const generation = this.#current;
    const runtime = generation.runtime;
    const exchange = new Exchange(req, res, requestIdFrom(req.headers['x-request-id']), this.#log);
    exchange.upgradeHead = upgradeHead;
    const bytesBefore = req.socket.bytesWritten;
    this.#inFlight++;
    generation.inFlight++;
    if (channels.requestStart.hasSubscribers) channels.requestStart.publish({ exchange } satisfies RequestStartMessage);
    res.once('close', () => {
      if (--this.#inFlight === 0 && this.#drained !== undefined) this.#drained();
      if (--generation.inFlight === 0 && generation !== this.#current) this.#retire(generation);
      this.#accessLog.write(exchange, bytesBefore);
      if (channels.requestEnd.hasSubscribers) channels.requestEnd.publish({ exchange, durationNs: process.hrtime.bigint() - exchange.startedAt } satisfies RequestEndMessage);
    });
    res.setHeader('x-request-id', exchange.id);
    if (this.#draining) res.shouldKeepAlive = false;
    this.#dispatch(exchange, runtime).catch((err: unknown) => sendProblem(exchange, err));
  }

  async #dispatch(exchange: Exchange, runtime: Runtime): Promise<void> {
    const { req } = exchange;
    const limits = runtime.config.limits;
    if (req.rawHeaders.length / 2 > limits.headerCount) {
      throw new SwitchyardError('SY_ERR_HEADERS_TOO_LARGE', `more than ${limits.headerCount} header fields`, { headers: { connection: 'close' } });
    }
    if (req.method === 'OPTIONS' && (await this.#preflight(exchange, runtime))) return;
    const found = runtime.router.find(req.method ?? 'GET', exchange.path);
    if (found.kind === 'not-found') throw new SwitchyardError('SY_ERR_ROUTE_NOT_FOUND', `no route for ${req.method} ${exchange.path}`);
    if (found.kind === 'method-not-allowed') {
      throw new SwitchyardError('SY_ERR_METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${exchange.path}`, { headers: { allow: found.allow.join(', ') } });
    }
    if (found.kind === 'bad-request') throw new SwitchyardError('SY_ERR_BAD_REQUEST', found.detail);
    const { route, run } = found.value;
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > route.bodySize) {
      // Answer before reading the body, and close: the rest of it will not be read.
      throw new SwitchyardError('SY_ERR_BODY_TOO_LARGE', `request body of ${declared} bytes exceeds the limit of ${route.bodySize}`, { headers: { connection: 'close' } });
    }
    exchange.match = { route, params: found.params };
    await run(exchange);
  }

  /**
   * A CORS preflight belongs to the route that would serve the method it asks about, not to
   * whichever route claims OPTIONS (a catch-all `any` in front of PHP would): when that route
   * has a cors filter, its filters answer. Returns whether the preflight was answered.
   */
  async #preflight(exchange: Exchange, runtime: Runtime): Promise<boolean> {
    const { req } = exchange;
    const asked = req.headers['access-control-request-method'];
    if (req.headers.origin === undefined || typeof asked !== 'string') return false;
    const target = runtime.router.find(asked, exchange.path);
    if (target.kind !== 'found' || target.value.preflight === undefined) return false;
    exchange.match = { route: target.value.route, params: target.params };
    await target.value.preflight(exchange);
    if (exchange.res.headersSent) return true;
    exchange.match = undefined;
    return false;
  }
}
