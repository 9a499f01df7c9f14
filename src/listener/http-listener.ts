/**
 * The gateway's listener: a net.Server whose connections speak HTTP/1.1 through the project's own
 * strict codec (http1-connection.ts), bound to one configured address, with the client-side
 * protections nginx users expect: header size and count limits, a deadline for the header block
 * and for the whole request (slow-loris), idle keep-alive timeout. node:http is not on this path:
 * its per-request stream machinery costs several times nginx's CPU per request (SPEC section 14).
 * The deadlines are checked by one sweep per server, not a timer per request. When the gateway
 * takes HTTP/2 too, a connection opening with the HTTP/2 preface goes to a node:http2 server
 * instead (protocol-sniff.ts, http2-session-server.ts): h2c with prior knowledge, as gRPC clients
 * speak it, on the same port. An address with `tls` wraps each accepted socket in TLS first
 * (tls-handshake.ts) and ALPN chooses the side: h2 to the HTTP/2 server, http/1.1 or none to the
 * codec. Plain TCP takes the same path as without TLS: the choice is made once, per listener.
 */
import { Server } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { unlink } from 'node:fs/promises';
import type { LimitsConfig, ListenAddress, ListenerConfig, ListenTlsConfig, TimeoutsConfig } from '../config/types.js';
import { secureContextOptions } from '../config/normalize-tls.js';
import { SwitchyardError } from '../errors.js';
import { formatAddress } from '../config/address.js';
import { Sweep } from '../sweep.js';
import { Http1Connection } from './http1-connection.js';
import type { ServerRequest } from './server-request.js';
import type { ServerResponse } from './server-response.js';
import type { ExchangeRequest, ExchangeResponse } from './exchange.js';
import { Http2SessionServer } from './http2-session-server.js';
import { FirstBytes } from './protocol-sniff.js';
import { ALPN_PROTOCOLS, TlsHandshake } from './tls-handshake.js';

export interface ListenerOptions {
  readonly address: ListenerConfig;
  readonly limits: LimitsConfig;
  readonly timeouts: TimeoutsConfig;
  readonly onRequest: (req: ServerRequest, res: ServerResponse) => void;
  /** A WebSocket handshake: its request, a response on its raw socket, the bytes after the head. */
  readonly onUpgrade: (req: ServerRequest, res: ServerResponse, head: Buffer) => void;
  /** HTTP/2 requests (h2c with prior knowledge on the same port); absent: HTTP/1.1 only. */
  readonly onHttp2Request?: ((req: ExchangeRequest, res: ExchangeResponse) => void) | undefined;
  /** A TLS handshake that failed (the connection is closed already). */
  readonly onTlsError?: ((err: Error) => void) | undefined;
}

/** The listener's server: net.Server plus node:http's ways of closing connections on stop. */
export class HttpListener extends Server {
  /** Open connections (and new ones whose protocol is not known yet), their deadlines checked by one sweep. */
  readonly #connections: Sweep<Http1Connection | FirstBytes | TlsHandshake>;
  readonly #http2: Http2SessionServer | undefined;
  /** The certificate and key new TLS connections get; undefined on a plain listener. */
  #secureContext: SecureContext | undefined;
  /** Whether new TLS connections must present a client certificate (`tls.ca`). */
  #requestCert = false;
  /** The `listen` entry this listener was made from. */
  readonly configured: ListenerConfig;

  constructor(options: ListenerOptions) {
    super({ noDelay: true });
    const { limits, timeouts } = options;
    this.configured = options.address;
    const connectionOptions = {
      maxHeaderBytes: limits.headerSize,
      // One more than the limit: the gateway answers a request over it with its own 431.
      maxHeaderCount: limits.headerCount + 1,
      timeouts,
      onRequest: options.onRequest,
      onUpgrade: options.onUpgrade,
    };
    // How often deadlines are looked at: a quarter of the shortest, between 100 ms and 1 s.
    this.#connections = new Sweep(Math.max(100, Math.min(1000, Math.floor(Math.min(timeouts.headers, timeouts.idle) / 4))), (connections) => {
      const now = performance.now();
      for (const conn of connections) conn.checkDeadlines(now);
    });
    const forget = (conn: Http1Connection): void => void this.#connections.delete(conn);
    const onHttp2Request = options.onHttp2Request;
    this.#http2 = onHttp2Request === undefined ? undefined : new Http2SessionServer({ limits, timeouts, onRequest: onHttp2Request });
    const http2 = this.#http2;
    const tls = options.address.tls;
    if (tls !== undefined) {
      this.setCertificate(tls);
      const alpn = http2 === undefined ? ['http/1.1'] : ALPN_PROTOCOLS;
      const onTlsError = options.onTlsError ?? ((): void => undefined);
      this.on('connection', (socket) => {
        const handshake: TlsHandshake = new TlsHandshake(
          socket,
          { secureContext: this.#secureContext as SecureContext, ALPNProtocols: alpn, requestCert: this.#requestCert, timeout: timeouts.headers },
          (s, isHttp2) => {
            this.#connections.delete(handshake);
            if (isHttp2 && http2 !== undefined) return http2.accept(s);
            // Until its first byte the connection has the header deadline, as a new plain one.
            const waiting: FirstBytes = new FirstBytes(s, timeouts.headers, (t, preface) => {
              this.#connections.delete(waiting);
              if (preface && http2 !== undefined) return http2.accept(t);
              this.#connections.add(new Http1Connection(t, connectionOptions, forget));
              t.resume();
            });
            this.#connections.add(waiting);
            s.once('close', () => this.#connections.delete(waiting));
          },
          onTlsError,
        );
        this.#connections.add(handshake);
        handshake.socket.once('close', () => this.#connections.delete(handshake));
      });
    } else if (http2 === undefined) {
      this.on('connection', (socket) => this.#connections.add(new Http1Connection(socket, connectionOptions, forget)));
    } else {
      this.on('connection', (socket) => {
        const waiting: FirstBytes = new FirstBytes(socket, timeouts.headers, (s, isHttp2) => {
          this.#connections.delete(waiting);
          if (isHttp2) return http2.accept(s);
          this.#connections.add(new Http1Connection(s, connectionOptions, forget));
          // Reading the first bytes left the socket paused; the codec's 'data' listener needs it flowing.
          s.resume();
        });
        this.#connections.add(waiting);
      });
    }
  }

  /** Whether this listener serves TLS. */
  get secure(): boolean {
    return this.#secureContext !== undefined;
  }

  /** New connections get this certificate and key (a reload after renewal); open ones keep theirs. */
  setCertificate(tls: ListenTlsConfig): void {
    this.#secureContext = createSecureContext(secureContextOptions(tls));
    this.#requestCert = tls.ca !== undefined;
  }

  /** Closes connections waiting for a next request; the others close after their response. */
  closeIdleConnections(): void {
    for (const conn of this.#connections.members) conn.close();
    this.#http2?.closeIdle();
  }

  /** Cuts every connection, whatever it is doing. */
  closeAllConnections(): void {
    for (const conn of this.#connections.members) conn.socket.destroy();
    this.#http2?.closeAll();
  }
}

export function createListener(options: ListenerOptions): HttpListener {
  return new HttpListener(options);
}

/** The URL a listening server answers on, with the real port when 0 was configured. */
export function serverUrl(server: Server): string {
  const a = server.address();
  if (typeof a === 'string') return `unix:${a}`;
  const info = a as AddressInfo;
  return `${server instanceof HttpListener && server.secure ? 'https' : 'http'}://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`;
}

/**
 * Starts listening; a unix socket left by a previous run is replaced. In a node:cluster worker a
 * port is shared with the other workers unless `exclusive` (each worker's own admin listener:
 * with port 0 shared, every worker would get the same port and the primary could not tell them
 * apart).
 */
export async function listen(server: Server, address: ListenAddress, exclusive = false): Promise<void> {
  if (address.kind === 'unix') await unlink(address.path).catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      // The usual first meeting: the server being replaced (nginx) still holds the port.
      if (err.code === 'EADDRINUSE') reject(new SwitchyardError('SY_ERR_LISTEN_IN_USE', `cannot listen on ${formatAddress(address)}: address already in use`, { cause: err }));
      else reject(new SwitchyardError('SY_ERR_LISTEN', `cannot listen on ${formatAddress(address)}: ${err.code ?? err.message}`, { cause: err }));
    };
    server.once('error', onError);
    const done = () => {
      server.off('error', onError);
      resolve();
    };
    if (address.kind === 'unix') server.listen(address.path, done);
    else server.listen({ port: address.port, host: address.host, exclusive }, done);
  });
}
