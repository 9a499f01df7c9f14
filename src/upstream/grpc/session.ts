/**
 * HTTP/2 sessions to one endpoint of a grpc upstream: h2c (HTTP/2 with prior knowledge) for
 * `h2c://`, TLS with ALPN h2 for `https://`. One session carries many calls as concurrent streams
 * and is kept while it is used; a session left without a call for `idleTimeout` is closed. When
 * a session reaches the peer's SETTINGS_MAX_CONCURRENT_STREAMS a further one is opened (up to
 * `circuitBreaker.maxConnections`). Each session is an entry of the upstream's connection table.
 * An endpoint that answers the HTTP/2 preface with HTTP/1 is a precise protocol error.
 */
import { connect, type ClientHttp2Session } from 'node:http2';
import { isIP } from 'node:net';
import type { HttpTlsConfig } from '../../config/types.js';
import { SwitchyardError } from '../../errors.js';
import type { ConnectionEntry, ConnectionTable } from '../../cluster/connection-table.js';
import { serverNameFor } from '../../cluster/tls-connector.js';
import { TLS_CODE } from '../http/upstream-error.js';

export interface SessionOptions {
  readonly upstream: string;
  readonly connectTimeout: number;
  readonly idleTimeout: number;
  readonly maxSessions: number;
  readonly tls: HttpTlsConfig;
}

interface Live {
  readonly session: ClientHttp2Session;
  readonly entry: ConnectionEntry;
  active: number;
  idleTimer: NodeJS.Timeout | undefined;
  /** The peer sent GOAWAY: streams in progress finish, no new ones are opened on it. */
  draining: boolean;
}

export class EndpointSessions {
  readonly url: string;
  /** `host:port`, the :authority of calls. */
  readonly authority: string;
  /** The :scheme of calls. */
  readonly scheme: 'http' | 'https';
  readonly #origin: string;
  readonly #options: SessionOptions;
  readonly #table: ConnectionTable;
  readonly #live: Live[] = [];
  #connecting: Promise<Live> | undefined;
  #closed = false;

  constructor(url: string, options: SessionOptions, table: ConnectionTable) {
    this.url = url;
    const parsed = new URL(url);
    this.authority = parsed.host;
    this.scheme = url.startsWith('https:') ? 'https' : 'http';
    this.#origin = `${parsed.protocol === 'https:' ? 'https:' : 'http:'}//${parsed.host}`;
    this.#options = options;
    this.#table = table;
  }

  /**
   * A session with room for one more stream; the caller must call the returned `done` when the
   * stream has closed. Rejects with a SwitchyardError (connect, TLS, protocol, timeout).
   */
  acquire(): { session: ClientHttp2Session; done: () => void } | Promise<{ session: ClientHttp2Session; done: () => void }> {
    const live = this.#pick();
    if (live !== undefined) return this.#use(live);
    this.#connecting ??= this.#connect().finally(() => (this.#connecting = undefined));
    return this.#connecting.then((l) => this.#use(l));
  }

  #pick(): Live | undefined {
    for (const l of this.#live) {
      const max = l.session.remoteSettings.maxConcurrentStreams ?? 100;
      if (!l.draining && !l.session.closed && !l.session.destroyed && l.active < max) return l;
    }
    return undefined;
  }

  #use(live: Live): { session: ClientHttp2Session; done: () => void } {
    live.active++;
    live.entry.startRequest();
    if (live.idleTimer !== undefined) {
      clearTimeout(live.idleTimer);
      live.idleTimer = undefined;
    }
    let released = false;
    return {
      session: live.session,
      done: () => {
        if (released) return;
        released = true;
        live.active--;
        if (live.active === 0) {
          live.entry.endRequest();
          if (!live.session.destroyed) {
            live.idleTimer = setTimeout(() => live.session.close(), this.#options.idleTimeout);
            live.idleTimer.unref();
          }
        }
      },
    };
  }

  #connect(): Promise<Live> {
    if (this.#closed) return Promise.reject(new SwitchyardError('SY_ERR_UPSTREAM_UNAVAILABLE', `upstream ${this.#options.upstream} (${this.url}): closing`));
    if (this.#live.length >= this.#options.maxSessions) {
      return Promise.reject(new SwitchyardError('SY_ERR_UPSTREAM_CIRCUIT_OPEN', `upstream ${this.#options.upstream} (${this.url}): ${this.#options.maxSessions} sessions, all at their stream limit (circuitBreaker.maxConnections)`));
    }
    const { tls } = this.#options;
    const label = `upstream ${this.#options.upstream} (${this.url})`;
    const entry = this.#table.open(this.url);
    const hostname = new URL(this.#origin).hostname;
    const name = serverNameFor(tls, hostname);
    const session = connect(this.#origin, {
      ...(this.#origin.startsWith('https:')
        ? { ALPNProtocols: ['h2'], rejectUnauthorized: tls.verify, ...(tls.ca === undefined ? {} : { ca: tls.ca }), ...(isIP(name) === 0 ? { servername: name } : {}) }
        : {}),
    });
    return new Promise<Live>((resolve, reject) => {
      const timer = setTimeout(() => fail(new SwitchyardError('SY_ERR_UPSTREAM_CONNECT_TIMEOUT', `${label}: no HTTP/2 session within ${this.#options.connectTimeout} ms`)), this.#options.connectTimeout);
      const fail = (err: SwitchyardError) => {
        clearTimeout(timer);
        entry.closed(err.message, 'connect-failure');
        session.destroy();
        reject(err);
      };
      session.once('error', (err: NodeJS.ErrnoException) => fail(translateSessionError(err, label)));
      // Up once the peer's SETTINGS arrive (RFC 9113 §3.4): an HTTP/1 server never sends them, so it fails here, precisely.
      session.once('remoteSettings', () => {
        clearTimeout(timer);
        session.removeAllListeners('error');
        if (session.socket !== undefined) entry.attach(session.socket);
        entry.connected();
        const live: Live = { session, entry, active: 0, idleTimer: undefined, draining: false };
        this.#live.push(live);
        session.on('error', (err: NodeJS.ErrnoException) => (entry.lastError = translateSessionError(err, label).message));
        session.on('goaway', () => {
          live.draining = true;
          entry.drain();
        });
        session.once('close', () => {
          clearTimeout(live.idleTimer);
          const i = this.#live.indexOf(live);
          if (i >= 0) this.#live.splice(i, 1);
          entry.closed(entry.lastError);
        });
        resolve(live);
      });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#live.map(
        (l) =>
          new Promise<void>((resolve) => {
            clearTimeout(l.idleTimer);
            if (l.session.destroyed) return resolve();
            l.session.close(resolve);
          }),
      ),
    );
  }
}

/** A session-level failure as the catalogue names it. */
export function translateSessionError(err: NodeJS.ErrnoException, label: string): SwitchyardError {
  const code = err.code ?? '';
  if (code === 'ERR_HTTP2_ERROR' || code === 'ERR_HTTP2_SESSION_ERROR' || code === 'ERR_HTTP2_STREAM_ERROR') {
    // nghttp2 reads an HTTP/1 answer to the connection preface as a protocol error.
    return new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${label}: the endpoint does not speak HTTP/2 (${err.message}; an HTTP/1-only server?)`, { cause: err });
  }
  if (TLS_CODE.test(code)) {
    return new SwitchyardError('SY_ERR_UPSTREAM_TLS', `${label}: ${err.message}`, { cause: err });
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${label}: ${code}`, { cause: err });
  return new SwitchyardError('SY_ERR_UPSTREAM_CONNECT', `${label}: ${code || err.message}`, { cause: err });
}
