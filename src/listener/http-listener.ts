/**
 * A node:http server bound to one configured address, with the client-side protections nginx
 * users expect: header size and count limits, a deadline for the header block and for the whole
 * request (slow-loris), idle keep-alive timeout. Parse errors and timeouts that happen before a
 * request exists are answered here as problem+json, and the connection is closed. A WebSocket
 * handshake comes out as its request, its raw socket and the bytes the client sent after the head;
 * a request asking for another protocol (`Upgrade: h2c` from `curl --http2`) is served as the
 * plain HTTP/1.1 request it also is, body included, as servers that do not speak it do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { unlink } from 'node:fs/promises';
import type { LimitsConfig, ListenAddress, TimeoutsConfig } from '../config/types.js';
import { SwitchyardError, type ErrorCode } from '../errors.js';
import { formatAddress } from '../config/address.js';
import { toProblem } from './problem.js';
import { requestIdFrom } from './request-id.js';

export interface ListenerOptions {
  readonly address: ListenAddress;
  readonly limits: LimitsConfig;
  readonly timeouts: TimeoutsConfig;
  readonly onRequest: (req: IncomingMessage, res: ServerResponse) => void;
  readonly onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

export function createListener(options: ListenerOptions): Server {
  const { limits, timeouts } = options;
  const server = createServer(
    {
      maxHeaderSize: limits.headerSize,
      headersTimeout: timeouts.headers,
      // node measures requestTimeout from the first byte of the request: headers plus body.
      requestTimeout: timeouts.body,
      keepAliveTimeout: timeouts.idle,
      // How often node looks for requests past those deadlines (default 30s is too coarse).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(timeouts.headers / 4))),
      requireHostHeader: false,
      joinDuplicateHeaders: false,
    },
    options.onRequest,
  );
  // One more than the limit, so that exceeding it can be detected rather than silently truncated.
  server.maxHeadersCount = limits.headerCount + 1;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (String(req.headers.upgrade).toLowerCase() === 'websocket') options.onUpgrade(req, socket, head);
    else serveWithoutUpgrade(server, req, socket as Socket, head);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket));
  return server;
}

/**
 * node hands every Upgrade request to the 'upgrade' listener with its parser detached, and the
 * body (if any) still unread. The request head is written back without its upgrade fields, in
 * front of those bytes, and the socket given to the server again as a new connection: it parses
 * the request as ordinary HTTP/1.1 and keeps serving the connection after it.
 */
function serveWithoutUpgrade(server: Server, req: IncomingMessage, socket: Socket, head: Buffer): void {
  let text = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    let value = raw[i + 1] as string;
    const lower = name.toLowerCase();
    if (lower === 'upgrade' || lower === 'http2-settings') continue;
    if (lower === 'connection') {
      value = value.split(',').map((t) => t.trim()).filter((t) => t !== '' && !/^(upgrade|http2-settings)$/i.test(t)).join(', ');
      if (value === '') continue;
    }
    text += `${name}: ${value}\r\n`;
  }
  socket.unshift(Buffer.concat([Buffer.from(`${text}\r\n`, 'latin1'), head]));
  server.emit('connection', socket);
}

function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || (err as { bytesParsed?: number }).bytesParsed === 0 && err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [code, detail] = classify(err);
  const error = new SwitchyardError(code, detail);
  const body = JSON.stringify(toProblem(error, requestIdFrom(undefined)));
  socket.end(
    `HTTP/1.1 ${error.status} ${error.title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function classify(err: NodeJS.ErrnoException): [ErrorCode, string] {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return ['SY_ERR_HEADERS_TOO_LARGE', 'request line and headers exceed the header size limit'];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return ['SY_ERR_REQUEST_TIMEOUT', 'the request was not received within the time allowed'];
    default:
      // llhttp's reason names the exact problem: bad chunk size, both Content-Length and
      // Transfer-Encoding (RFC 9112 §6.3), obs-fold, bare LF, invalid header token...
      return ['SY_ERR_BAD_REQUEST', `malformed request: ${(err as { reason?: string }).reason ?? err.message}`.toLowerCase()];
  }
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
