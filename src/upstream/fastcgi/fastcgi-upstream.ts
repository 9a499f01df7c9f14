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
 *
 * The common request runs without a promise hop, a timer or an abort object of its own: the
 * script is resolved from a cache, the request takes a slot and a kept connection at once (or,
 * queued, in the turn that frees them), its params are mostly encoded already, and its records
 * go out in one write; the relay's end hands the connection back and starts the next queued
 * request. Connecting, retrying, request bodies and X-Accel-Redirect take the async path.
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
import { ParamsEncoder, RESERVED_PARAMS } from './params.js';
import { FastcgiPool, type PoolStats } from './pool.js';
import { Relay, RelayError, type RelayOutcome, type RelayResult } from './relay.js';
import { describeAddress, REQUEST_ID, type FastcgiConnection } from './connection.js';
import { encodeRequest } from './record.js';
import { channels, type FastcgiQueueWaitMessage, type UpstreamAttemptEndMessage, type UpstreamAttemptStartMessage } from '../../telemetry/channels.js';
import { hasNoBody, heldBody, NO_BODY, prepareRequestBody, type RequestBody } from './request-body.js';
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

type Script = Extract<Resolution, { kind: 'script' }>;

/** How a request handled by callbacks ends: undefined when it is done. */
type Done = (err?: unknown) => void;

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
  readonly #params: ParamsEncoder;
  readonly #keepConn: boolean;
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
    this.#params = new ParamsEncoder({ documentRoot: config.root, serverSoftware: `switchyard/${VERSION}`, extra: config.params });
    this.#keepConn = config.keepAlive !== false;
  }

  get stats(): PoolStats {
    return this.#pool.stats;
  }

  handle(exchange: Exchange): Promise<void> {
    exchange.upstream = this.name;
    return new Promise<void>((resolve, reject) => {
      const done: Done = (err) => {
        if (err === undefined) resolve();
        // A client that left while queued or uploading has nobody to read a problem.
        else if (exchange.aborted && !isSwitchyardError(err)) resolve();
        else reject(err);
      };
      let resolution: Resolution;
      try {
        resolution = this.#resolver.resolve(exchange.path, exchange.match?.route.static ?? false);
      } catch (err) {
        done(err);
        return;
      }
      if (resolution.kind === 'static') {
        serveStaticFile(exchange, resolution.file, resolution.stats).then(() => done(), done);
      } else if (resolution.kind === 'directory-redirect') {
        redirectToDirectory(exchange, resolution.path);
        done();
      } else if (exchange.body !== undefined) {
        // Read whole already (the shield inspected it).
        this.#admit(exchange, resolution, heldBody(exchange.body), done);
      } else if (hasNoBody(exchange.req)) {
        this.#admit(exchange, resolution, NO_BODY, done);
      } else {
        prepareRequestBody(exchange.req, exchange.match?.route.bodySize ?? defaults.limits.bodySize, this.#config.spoolMemory).then(
          (body) => this.#admit(exchange, resolution, body, (err) => this.#disposed(body, err, done)),
          done,
        );
      }
    });
  }

  /** Removes a spooled body's temp file before the request is reported done. */
  #disposed(body: RequestBody, err: unknown, done: Done): void {
    body.dispose().then(
      () => done(err),
      (disposeErr: unknown) => done(err ?? disposeErr),
    );
  }

  /** Waits for a php-fpm slot, then runs; telemetry hears how long (queue wait is a tier of its own). */
  #admit(exchange: Exchange, script: Script, body: RequestBody, done: Done): void {
    const conn = this.#pool.takeNow();
    if (conn !== undefined) {
      if (channels.fastcgiQueueWait.hasSubscribers) this.#publishWait(exchange, 0n, true);
      this.#runAdmitted(exchange, script, body, conn, done);
      return;
    }
    const since = channels.fastcgiQueueWait.hasSubscribers ? process.hrtime.bigint() : 0n;
    this.#pool.admit(
      exchange.res,
      () => {
        if (since !== 0n) this.#publishWait(exchange, process.hrtime.bigint() - since, true);
        this.#runAdmitted(exchange, script, body, this.#pool.takeIdle(), done);
      },
      (err) => {
        if (since !== 0n) this.#publishWait(exchange, process.hrtime.bigint() - since, false);
        // undefined: the client left while queued; there is nothing to answer.
        done(err);
      },
    );
  }

  #publishWait(exchange: Exchange, waitNs: bigint, admitted: boolean): void {
    channels.fastcgiQueueWait.publish({ exchange, upstream: this.name, waitNs, admitted } satisfies FastcgiQueueWaitMessage);
  }

  /**
   * Runs an admitted request and frees its slot when it ends. With a kept connection the first
   * attempt starts before this returns; connecting and retrying go through `#run`.
   */
  #runAdmitted(exchange: Exchange, script: Script, body: RequestBody, conn: FastcgiConnection | undefined, done: Done): void {
    let left = false;
    const finish = (err: unknown, outcome?: RelayOutcome): void => {
      if (left) return;
      left = true;
      // May start the next queued request on the connection just given back.
      this.#pool.leave();
      if (err !== undefined) done(err);
      else if (outcome?.kind === 'accel') this.#accel(exchange, outcome).then(() => done(), done);
      else done();
    };
    const runAsync = (failed?: RelayError): void => {
      this.#run(exchange, script, body, failed).then(
        (outcome) => finish(undefined, outcome),
        (err: unknown) => finish(err),
      );
    };
    if (conn === undefined) {
      runAsync();
      return;
    }
    try {
      this.#attempt(exchange, script, body, conn, 1, (result) => (result instanceof RelayError ? runAsync(result) : finish(undefined, result)));
    } catch (err) {
      // Nothing here should throw; if it does, the slot must still be freed.
      conn.destroy();
      finish(err);
    }
  }

  /** X-Accel-Redirect: the file PHP named, with the headers of PHP's response nginx keeps. */
  async #accel(exchange: Exchange, outcome: Extract<RelayOutcome, { kind: 'accel' }>): Promise<void> {
    const target = this.#resolver.resolveInternal(outcome.uri);
    const headers: Record<string, string | string[] | number> = {};
    for (const name of ACCEL_KEPT) {
      const value = outcome.head.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    await serveStaticFile(exchange, target.file, target.stats, { headers });
  }

  /** The request's records with its params, and its body when that is held: one write. */
  #request(exchange: Exchange, script: Script, body: RequestBody, carrier: Record<string, string> | undefined): Buffer {
    const { req } = exchange;
    const socket = exchange.socket;
    const params = this.#params.encode(script, {
      method: req.method ?? 'GET',
      requestUri: req.url ?? '/',
      query: exchange.query,
      documentUri: script.documentUri,
      pathInfo: script.pathInfo,
      httpVersion: req.httpVersion,
      https: exchange.secure,
      remoteAddress: exchange.remoteAddress,
      remotePort: socket.remotePort,
      serverAddress: socket.localAddress ?? '',
      serverPort: socket.localPort,
      headers: req.headers,
      carrier,
      contentLength: body.length,
      requestId: exchange.id,
    });
    return encodeRequest(REQUEST_ID, this.#keepConn, params, body.held);
  }

  /**
   * One attempt on `conn`: writes the request (and starts a body that is not held), relays the
   * response, gives the connection back and reports, all as the relay ends.
   */
  #attempt(exchange: Exchange, script: Script, body: RequestBody, conn: FastcgiConnection, attempt: number, done: (result: RelayResult) => void): void {
    const start: UpstreamAttemptStartMessage | undefined = channels.upstreamAttemptStart.hasSubscribers ? { exchange, upstream: this.name, attempt, endpoint: this.#endpoint, carrier: {} } : undefined;
    if (start !== undefined) channels.upstreamAttemptStart.publish(start);
    const request = this.#request(exchange, script, body, start?.carrier);
    // PHP may answer before reading all of stdin; records still to come would then reach
    // php-fpm as part of the next request on this connection, so it is only kept when the
    // whole body went out (nginx likewise closes such a connection).
    let bodySent = body.held !== undefined;
    const relay = new Relay(exchange, conn, this.#label, (result) => {
      const failed = result instanceof RelayError;
      this.#pool.giveBack(conn, relay.completed && bodySent && (failed || result.kind !== 'aborted'));
      if (start !== undefined) {
        channels.upstreamAttemptEnd.publish((failed ? { start, error: result.error } : { start, statusCode: exchange.res.statusCode }) satisfies UpstreamAttemptEndMessage);
      }
      done(result);
    });
    conn.start(relay, request);
    if (!bodySent) {
      body.send(conn).then(
        () => (bodySent = true),
        (err: unknown) => relay.bodyFailed(err),
      );
    }
  }

  /**
   * The attempts that need waiting: a new connection, a replay after a kept connection php-fpm
   * had closed (`failed`: the first attempt's failure), a retry while php-fpm restarts.
   */
  async #run(exchange: Exchange, script: Script, body: RequestBody, failed?: RelayError): Promise<RelayOutcome> {
    const deadline = exchange.startedAt + BigInt(this.#config.queue.timeout) * 1_000_000n;
    const replayable = body.replayable && SAFE_METHODS.has(exchange.req.method ?? '');
    // The fast path's first attempt was on a kept connection.
    let reused = failed !== undefined;
    let error = failed;
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
    for (let attempt = failed === undefined ? 1 : 2; ; attempt++) {
      if (error !== undefined) {
        if (!(error.retryable && replayable && replays < MAX_REPLAYS)) throw error.error;
        replays++;
        fresh = true;
        // A kept connection php-fpm closed while idle is retried at once; a fresh one that
        // was closed unread means php-fpm is going away: wait as for a refused connect.
        if (reused && replays === 1) exchange.log.debug({ upstream: this.name, detail: error.message }, 'kept connection was closed by php-fpm; retrying on a new one');
        else if (!(await wait())) throw error.error;
      }
      let conn = fresh ? undefined : this.#pool.takeIdle();
      if (conn === undefined) {
        try {
          conn = await this.#pool.connect();
        } catch (err) {
          if (channels.upstreamAttemptStart.hasSubscribers) {
            const start: UpstreamAttemptStartMessage = { exchange, upstream: this.name, attempt, endpoint: this.#endpoint, carrier: {} };
            channels.upstreamAttemptStart.publish(start);
            channels.upstreamAttemptEnd.publish({ start, error: err } satisfies UpstreamAttemptEndMessage);
          }
          if (transientConnectFailure(err) && (await wait())) {
            error = undefined;
            continue;
          }
          throw attempt > 1 && isSwitchyardError(err) ? new SwitchyardError(err.code, `${err.message}; ${attempt} attempts until queue.timeout`, { cause: err.cause }) : err;
        }
      }
      reused = conn.requests > 0;
      const taken = conn;
      const result = await new Promise<RelayResult>((resolve) => this.#attempt(exchange, script, body, taken, attempt, resolve));
      if (!(result instanceof RelayError)) return result;
      error = result;
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
