/**
 * The fastcgi upstream: resolves what a request names (static file or allowlisted script),
 * prepares its body, waits for admission to the php-fpm pool and runs the relay on a pooled
 * connection. A kept-alive connection that php-fpm closed while idle (a restart, a recycled
 * child) fails before any byte comes back; such a request is replayed once on a new connection
 * when it is safe (GET, HEAD, OPTIONS: RFC 9110 section 9.2.1) and its body is held here, as
 * nginx's `fastcgi_next_upstream error` does for idempotent requests. A POST is never replayed:
 * PHP may have acted on it before its worker died.
 *
 * While php-fpm restarts (its socket missing, connections refused or reset unread) a request
 * that never reached PHP keeps its admission slot and tries again with backoff until php-fpm is
 * back or its `queue.timeout` (counted from arrival) runs out, as a client of a restarting
 * service would want: an outage of a second costs latency, not errors. Holding the slot keeps
 * the retries within `maxConnections`, so php-fpm coming back meets no stampede.
 */
import type { Logger } from 'pino';
import type { FastcgiUpstreamConfig } from '../../config/types.js';
import type { Exchange } from '../../listener/exchange.js';
import { setTimeout as delay } from 'node:timers/promises';
import { SwitchyardError, isSwitchyardError } from '../../errors.js';
import { VERSION } from '../../version.js';
import { defaults } from '../../config/defaults.js';
import type { Upstream } from '../upstream.js';
import { serveStaticFile } from '../static/static-files.js';
import { redirectToDirectory } from '../static/directory-redirect.js';
import { buildParams, encodeParams, RESERVED_PARAMS } from './params.js';
import { FastcgiPool, type PoolStats } from './pool.js';
import { Relay, RelayError, type RelayOutcome } from './relay.js';
import { describeAddress } from './connection.js';
import { channels, type FastcgiQueueWaitMessage, type UpstreamAttemptEndMessage, type UpstreamAttemptStartMessage } from '../../telemetry/channels.js';
import { prepareRequestBody, type RequestBody } from './request-body.js';
import { ScriptResolver, type Resolution } from './script-resolver.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Connect failures that mean "php-fpm is not there right now" rather than a misconfiguration. */
const TRANSIENT_CONNECT = new Set(['ECONNREFUSED', 'ENOENT', 'EAGAIN', 'ECONNRESET']);
const BACKOFF_FIRST_MS = 25;
const BACKOFF_MAX_MS = 250;
/** Replays of a safe request that php-fpm closed without a byte back (a crash would repeat). */
const MAX_REPLAYS = 3;

/** Headers of PHP's response that survive an X-Accel-Redirect, as in nginx. */
const ACCEL_KEPT = ['content-type', 'content-disposition', 'cache-control', 'expires', 'set-cookie'] as const;

export interface FastcgiUpstream extends Upstream {
  readonly stats: PoolStats;
}

export function createFastcgiUpstream(config: FastcgiUpstreamConfig, log: Logger): FastcgiUpstream {
  for (const name of Object.keys(config.params)) {
    if (RESERVED_PARAMS.has(name.toUpperCase())) {
      throw new SwitchyardError('SY_ERR_CONFIG_UPSTREAM', `upstream "${config.name}": params may not set ${name}; put PHP settings in the php-fpm pool config`);
    }
  }
  return new FastcgiUpstreamImpl(config, log);
}

class FastcgiUpstreamImpl implements FastcgiUpstream {
  readonly type = 'fastcgi';
  readonly name: string;
  readonly #config: FastcgiUpstreamConfig;
  readonly #log: Logger;
  readonly #label: string;
  readonly #pool: FastcgiPool;
  readonly #resolver: ScriptResolver;
  readonly #endpoint: string;

  constructor(config: FastcgiUpstreamConfig, log: Logger) {
    this.name = config.name;
    this.#config = config;
    this.#log = log;
    this.#label = `upstream "${config.name}"`;
    this.#pool = new FastcgiPool({
      label: this.#label,
      address: config.address,
      maxConnections: config.maxConnections,
      queue: config.queue,
      keepAlive: config.keepAlive,
      connectTimeout: config.connectTimeout,
      readTimeout: config.readTimeout,
    });
    this.#endpoint = describeAddress(config.address);
    this.#resolver = new ScriptResolver({ upstream: config.name, root: config.root, index: config.index, scripts: config.scripts });
  }

  get stats(): PoolStats {
    return this.#pool.stats;
  }

  async handle(exchange: Exchange): Promise<void> {
    exchange.upstream = this.name;
    try {
      await this.#handle(exchange);
    } catch (err) {
      // A client that left while queued or uploading has nobody to read a problem.
      if (exchange.aborted && !isSwitchyardError(err)) return;
      throw err;
    }
  }

  async #handle(exchange: Exchange): Promise<void> {
    const route = exchange.match?.route;
    const resolution = await this.#resolver.resolve(exchange.path, route?.static ?? false);
    if (resolution.kind === 'static') {
      await serveStaticFile(exchange, resolution.file, resolution.stats);
      return;
    }
    if (resolution.kind === 'directory-redirect') {
      redirectToDirectory(exchange, resolution.path);
      return;
    }
    const body = await prepareRequestBody(exchange.req, route?.bodySize ?? defaults.limits.bodySize, this.#config.spoolMemory);
    let outcome: RelayOutcome;
    try {
      await this.#admit(exchange);
      try {
        outcome = await this.#run(exchange, resolution, body);
      } finally {
        this.#pool.leave();
      }
    } finally {
      await body.dispose();
    }
    if (outcome.kind === 'accel') {
      const target = await this.#resolver.resolveInternal(outcome.uri);
      const headers: Record<string, string | string[] | number> = {};
      for (const name of ACCEL_KEPT) {
        const value = outcome.head.headers[name];
        if (value !== undefined) headers[name] = value;
      }
      await serveStaticFile(exchange, target.file, target.stats, { headers });
    }
  }

  /** Waits for a php-fpm slot; telemetry hears how long (queue wait is a tier of its own). */
  async #admit(exchange: Exchange): Promise<void> {
    if (!channels.fastcgiQueueWait.hasSubscribers) return this.#pool.admit(() => exchange.signal);
    const since = process.hrtime.bigint();
    const publish = (admitted: boolean) =>
      channels.fastcgiQueueWait.publish({ exchange, upstream: this.name, waitNs: process.hrtime.bigint() - since, admitted } satisfies FastcgiQueueWaitMessage);
    try {
      await this.#pool.admit(() => exchange.signal);
    } catch (err) {
      publish(false);
      throw err;
    }
    publish(true);
  }

  #params(exchange: Exchange, script: Extract<Resolution, { kind: 'script' }>, body: RequestBody, carrier: Record<string, string> | undefined): Buffer {
    return encodeParams(
      buildParams({
        method: exchange.req.method ?? 'GET',
        requestUri: exchange.req.url ?? '/',
        query: exchange.query,
        documentUri: script.documentUri,
        scriptName: script.scriptName,
        scriptFilename: script.scriptFilename,
        pathInfo: script.pathInfo,
        documentRoot: this.#config.root,
        httpVersion: exchange.req.httpVersion,
        https: 'encrypted' in exchange.req.socket && exchange.req.socket.encrypted === true,
        remoteAddress: exchange.remoteAddress,
        remotePort: exchange.req.socket.remotePort,
        serverAddress: exchange.req.socket.localAddress ?? '',
        serverPort: exchange.req.socket.localPort,
        // Propagation headers from telemetry (traceparent) replace the client's, so PHP reads
        // the gateway's span as its parent in $_SERVER['HTTP_TRACEPARENT'].
        headers: carrier === undefined ? exchange.req.headers : { ...exchange.req.headers, ...carrier },
        contentLength: body.length,
        requestId: exchange.id,
        serverSoftware: `switchyard/${VERSION}`,
        extra: this.#config.params,
      }),
    );
  }

  async #run(exchange: Exchange, script: Extract<Resolution, { kind: 'script' }>, body: RequestBody): Promise<RelayOutcome> {
    const deadline = exchange.startedAt + BigInt(this.#config.queue.timeout) * 1_000_000n;
    const replayable = body.replayable && SAFE_METHODS.has(exchange.req.method ?? '');
    let fresh = false;
    let replays = 0;
    let backoff = BACKOFF_FIRST_MS;
    /** Waits before the next attempt; false when that would pass the deadline. */
    const wait = async (): Promise<boolean> => {
      const left = Number(deadline - process.hrtime.bigint()) / 1e6;
      if (left < backoff) return false;
      await delay(backoff, undefined, { signal: exchange.signal });
      backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      return true;
    };
    for (let attempt = 1; ; attempt++) {
      const start: UpstreamAttemptStartMessage | undefined = channels.upstreamAttemptStart.hasSubscribers ? { exchange, upstream: this.name, attempt, endpoint: this.#endpoint, carrier: {} } : undefined;
      if (start !== undefined) channels.upstreamAttemptStart.publish(start);
      const ended = (end: Omit<UpstreamAttemptEndMessage, 'start'>) => start !== undefined && channels.upstreamAttemptEnd.publish({ start, ...end } satisfies UpstreamAttemptEndMessage);
      const params = this.#params(exchange, script, body, start?.carrier);
      let conn;
      try {
        conn = await this.#pool.take(fresh);
      } catch (err) {
        ended({ error: err });
        if (transientConnectFailure(err) && (await wait())) continue;
        throw attempt > 1 && isSwitchyardError(err) ? new SwitchyardError(err.code, `${err.message}; ${attempt} attempts until queue.timeout`, { cause: err.cause }) : err;
      }
      const reused = conn.requests > 0;
      const relay = new Relay(exchange, conn, this.#label);
      conn.begin(relay, params, this.#config.keepAlive !== false, body.empty);
      // PHP may answer before reading all of stdin; records still to come would then reach
      // php-fpm as part of the next request on this connection, so it is only kept when the
      // whole body went out (nginx likewise closes such a connection).
      let bodySent = body.empty;
      if (!body.empty) {
        body.send(conn).then(
          () => (bodySent = true),
          (err: unknown) => relay.bodyFailed(err),
        );
      }
      try {
        const outcome = await relay.promise;
        this.#pool.giveBack(conn, relay.completed && bodySent && outcome.kind !== 'aborted');
        ended({ statusCode: exchange.res.statusCode });
        return outcome;
      } catch (err) {
        this.#pool.giveBack(conn, relay.completed && bodySent);
        ended({ error: err instanceof RelayError ? err.error : err });
        if (!(err instanceof RelayError)) throw err;
        if (err.retryable && replayable && replays < MAX_REPLAYS) {
          replays++;
          fresh = true;
          // A kept connection php-fpm closed while idle is retried at once; a fresh one that
          // was closed unread means php-fpm is going away: wait as for a refused connect.
          if (reused && replays === 1) {
            exchange.log.debug({ upstream: this.name, detail: err.message }, 'kept connection was closed by php-fpm; retrying on a new one');
            continue;
          }
          if (await wait()) continue;
        }
        throw err.error;
      }
    }
  }

  async close(): Promise<void> {
    this.#log.debug({ upstream: this.name, ...this.#pool.stats }, 'closing fastcgi upstream');
    this.#pool.close();
  }
}

function transientConnectFailure(err: unknown): boolean {
  if (!isSwitchyardError(err)) return false;
  if (err.code === 'SY_ERR_UPSTREAM_CONNECT_TIMEOUT') return true;
  const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
  return err.code === 'SY_ERR_UPSTREAM_CONNECT' && TRANSIENT_CONNECT.has(cause?.code ?? '');
}
