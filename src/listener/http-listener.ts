/**
 * The gateway's listener: a net.Server whose connections speak HTTP/1.1 through the project's own
 * strict codec (http1-connection.ts), bound to one configured address, with the client-side
 * protections nginx users expect: header size and count limits, a deadline for the header block
 * and for the whole request (slow-loris), idle keep-alive timeout. node:http is not on this path:
 * its per-request stream machinery costs several times nginx's CPU per request (SPEC section 14).
 * The deadlines are checked by one sweep per server, not a timer per request.
 */
import { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { unlink } from 'node:fs/promises';
import type { LimitsConfig, ListenAddress, TimeoutsConfig } from '../config/types.js';
import { SwitchyardError } from '../errors.js';
import { formatAddress } from '../config/address.js';
import { Sweep } from '../sweep.js';
import { Http1Connection } from './http1-connection.js';
import type { ServerRequest } from './server-request.js';
import type { ServerResponse } from './server-response.js';

export interface ListenerOptions {
  readonly address: ListenAddress;
  readonly limits: LimitsConfig;
  readonly timeouts: TimeoutsConfig;
  readonly onRequest: (req: ServerRequest, res: ServerResponse) => void;
  /** A WebSocket handshake: its request, a response on its raw socket, the bytes after the head. */
  readonly onUpgrade: (req: ServerRequest, res: ServerResponse, head: Buffer) => void;
}

/** The listener's server: net.Server plus node:http's ways of closing connections on stop. */
export class HttpListener extends Server {
  /** Open connections, their deadlines checked by one sweep. */
  readonly #connections: Sweep<Http1Connection>;

  constructor(options: ListenerOptions) {
    super({ noDelay: true });
    const { limits, timeouts } = options;
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
    this.on('connection', (socket) => this.#connections.add(new Http1Connection(socket, connectionOptions, forget)));
  }

  /** Closes connections waiting for a next request; the others close after their response. */
  closeIdleConnections(): void {
    for (const conn of this.#connections.members) conn.close();
  }

  /** Cuts every connection, whatever it is doing. */
  closeAllConnections(): void {
    for (const conn of this.#connections.members) conn.socket.destroy();
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
  return `http://${info.family === 'IPv6' ? `[${info.address}]` : info.address}:${info.port}`;
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
