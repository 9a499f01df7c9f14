/**
 * HTTP/2 on the gateway's listener port (SPEC section 3: h2c with prior knowledge, which is what
 * gRPC clients send on cleartext). The listener looks at the first bytes of each new connection
 * once (http-listener.ts); a connection opening with the HTTP/2 preface is handed here, to a
 * node:http2 server that never listens itself. Its requests become Exchanges like HTTP/1 ones
 * and take the same path (router, filters, access log, metrics): the request and response
 * classes below adapt node's compatibility objects to what the gateway expects of a request and
 * a response (fields without pseudo-headers and with Host, HTTP/1 response heads given as field
 * pairs, connection-specific fields that HTTP/2 forbids dropped rather than thrown on).
 */
import { constants, createServer, Http2ServerRequest, Http2ServerResponse, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { LimitsConfig, TimeoutsConfig } from '../config/types.js';
import type { ExchangeRequest, ExchangeResponse } from './exchange.js';

/** RFC 9113 §8.2.2: connection-specific fields are malformed in HTTP/2. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** The preface every HTTP/2 connection with prior knowledge opens with (RFC 9113 §3.4). */
export const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export class GatewayHttp2Request extends Http2ServerRequest {}

const FIELDS = Symbol('fields');
const RAW_FIELDS = Symbol('rawFields');
type Cached = GatewayHttp2Request & { [FIELDS]?: IncomingHttpHeaders; [RAW_FIELDS]?: string[] };
const base = Object.getOwnPropertyDescriptors(Http2ServerRequest.prototype);

// The rest of the gateway reads a request's fields as HTTP/1 has them: pseudo-headers (RFC 9113
// §8.3) are not fields there, and an upstream would refuse their names. They stay readable as
// node reads them (method, url, authority); `headers` and `rawHeaders` leave them out, with Host
// taken from :authority when the client sent none (§8.3.1), and `Transfer-Encoding: chunked` for
// a body of unknown length.
Object.defineProperties(GatewayHttp2Request.prototype, {
  headers: {
    get(this: Cached): IncomingHttpHeaders {
      if (this[FIELDS] === undefined) {
        const all = base['headers']?.get?.call(this) as IncomingHttpHeaders;
        const fields: IncomingHttpHeaders = {};
        for (const [name, value] of Object.entries(all)) if (name.charCodeAt(0) !== 58 /* ':' */) fields[name] = value;
        if (fields.host === undefined && typeof all[':authority'] === 'string') fields.host = all[':authority'];
        // A body without Content-Length is framed by HTTP/2's DATA frames; on HTTP/1 that is
        // chunked (RFC 9113 §8.2.2), which is how the gateway's HTTP/1 side knows a body follows.
        if (fields['content-length'] === undefined && !this.stream.endAfterHeaders) fields['transfer-encoding'] = 'chunked';
        this[FIELDS] = fields;
      }
      return this[FIELDS];
    },
  },
  rawHeaders: {
    get(this: Cached): string[] {
      if (this[RAW_FIELDS] === undefined) {
        const all = base['rawHeaders']?.get?.call(this) as string[];
        const raw: string[] = [];
        for (let i = 0; i + 1 < all.length; i += 2) if ((all[i] as string).charCodeAt(0) !== 58) raw.push(all[i] as string, all[i + 1] as string);
        this[RAW_FIELDS] = raw;
      }
      return this[RAW_FIELDS];
    },
  },
});

export class GatewayHttp2Response extends Http2ServerResponse {
  /** HTTP/1's keep-alive choice means nothing on a multiplexed connection; kept for the shared code. */
  shouldKeepAlive = true;

  override setHeader(name: string, value: number | string | readonly string[]): this {
    if (!CONNECTION_SPECIFIC.has(name.toLowerCase())) super.setHeader(name, value);
    return this;
  }

  override writeHead(statusCode: number, headers?: OutgoingHttpHeaders | readonly string[]): this;
  override writeHead(statusCode: number, statusMessage: string, headers?: OutgoingHttpHeaders): this;
  override writeHead(statusCode: number, second?: OutgoingHttpHeaders | readonly string[] | string, third?: OutgoingHttpHeaders): this {
    const given = typeof second === 'string' ? third : second;
    const fields: OutgoingHttpHeaders = {};
    if (Array.isArray(given)) {
      for (let i = 0; i + 1 < given.length; i += 2) add(fields, String(given[i]).toLowerCase(), String(given[i + 1]));
    } else if (given !== undefined) {
      for (const [name, value] of Object.entries(given as OutgoingHttpHeaders)) if (value !== undefined) add(fields, name.toLowerCase(), value);
    }
    return super.writeHead(statusCode, fields);
  }
}

// Exchange.aborted and .signal read `closed` and `writableFinished` as on node:http's response.
// Node's HTTP/2 one has no `closed` (its typings declare a field that is never set), and says
// `writableFinished` also of a stream the client reset: both are defined from the stream's state.
Object.defineProperties(GatewayHttp2Response.prototype, {
  closed: {
    get(this: GatewayHttp2Response): boolean {
      return this.stream.closed || this.stream.destroyed;
    },
  },
  writableFinished: {
    get(this: GatewayHttp2Response): boolean {
      return this.writableEnded && (this.stream.rstCode ?? constants.NGHTTP2_NO_ERROR) === constants.NGHTTP2_NO_ERROR;
    },
  },
});

function add(fields: OutgoingHttpHeaders, name: string, value: string | number | readonly string[]): void {
  if (CONNECTION_SPECIFIC.has(name)) return;
  const prior = fields[name];
  if (prior === undefined) fields[name] = value as string;
  else fields[name] = [...(Array.isArray(prior) ? prior : [String(prior)]), ...(Array.isArray(value) ? value : [String(value)])];
}

export interface Http2Options {
  readonly limits: LimitsConfig;
  readonly timeouts: TimeoutsConfig;
  readonly onRequest: (req: ExchangeRequest, res: ExchangeResponse) => void;
}

/** The listener's HTTP/2 side: sessions made from sockets the listener hands over. */
export class Http2SessionServer {
  readonly #server: Http2Server<typeof IncomingMessage, typeof ServerResponse, typeof GatewayHttp2Request, typeof GatewayHttp2Response>;
  readonly #sessions = new Set<ServerHttp2Session>();

  constructor(options: Http2Options) {
    this.#server = createServer({
      Http2ServerRequest: GatewayHttp2Request,
      Http2ServerResponse: GatewayHttp2Response,
      maxHeaderListPairs: options.limits.headerCount + 5,
      settings: { maxHeaderListSize: options.limits.headerSize },
    });
    // An idle session closes as an idle HTTP/1 connection does.
    this.#server.setTimeout(options.timeouts.idle);
    this.#server.on('session', (session: ServerHttp2Session) => {
      this.#sessions.add(session);
      session.once('close', () => this.#sessions.delete(session));
      session.on('error', () => undefined);
    });
    this.#server.on('request', (req: GatewayHttp2Request, res: GatewayHttp2Response) => {
      req.on('error', () => undefined);
      options.onRequest(req as unknown as ExchangeRequest, res as unknown as ExchangeResponse);
    });
  }

  /** Takes over a socket whose first bytes (the preface) were read and pushed back. */
  accept(socket: Socket): void {
    this.#server.emit('connection', socket);
  }

  /** GOAWAY to every session: streams in progress finish, no new ones. */
  closeIdle(): void {
    for (const s of this.#sessions) s.close();
  }

  closeAll(): void {
    for (const s of this.#sessions) s.destroy();
  }
}
