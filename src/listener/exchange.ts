/**
 * One request/response pair as it moves through the gateway: what the listener knows about the
 * client, what the router matched, and the single door through which a response head is written
 * (so that filters can edit response headers whatever upstream produced them).
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { RouteConfig } from '../config/types.js';
import type { RequestState } from '../telemetry/request-state.js';

/**
 * What the gateway reads of a request: the data path's ServerRequest and node's IncomingMessage
 * (the admin listener) both are one. The body is the Readable.
 */
export interface ExchangeRequest extends Readable {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly httpVersion: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly socket: Socket;
}

/** What the gateway does with a response: the data path's ServerResponse and node's both are one. */
export interface ExchangeResponse extends Writable {
  statusCode: number;
  readonly headersSent: boolean;
  shouldKeepAlive: boolean;
  /** `headers` as an object or as [name, value, ...] pairs (node accepts both). */
  writeHead(statusCode: number, headers?: OutgoingHttpHeaders | string[]): this;
  setHeader(name: string, value: number | string | readonly string[]): this;
  flushHeaders(): void;
}

export interface RouteMatch {
  readonly route: RouteConfig;
  /** Parameters captured from the path, percent-decoded; missing optional ones are absent. */
  readonly params: Readonly<Record<string, string>>;
}

export type ResponseHeadHook = (status: number, headers: OutgoingHttpHeaders) => void;

export class Exchange {
  readonly req: ExchangeRequest;
  readonly res: ExchangeResponse;
  readonly id: string;
  readonly startedAt: bigint;
  /** Path as sent by the client (still percent-encoded), without the query. */
  readonly path: string;
  /** Query string as sent, without the leading `?` ('' when absent). */
  readonly query: string;
  match: RouteMatch | undefined = undefined;
  /**
   * Set for a WebSocket handshake (`Upgrade: websocket`): the bytes the client sent after the
   * request head. `res` then writes to the raw socket, which an upstream
   * able to tunnel takes over; the others answer as to any request, and the connection closes.
   */
  upgradeHead: Buffer | undefined = undefined;
  /**
   * The whole request body when a filter has already read it (the shield inspects bodies up to
   * 64 KiB): the upstream sends these bytes instead of reading the request, which has ended.
   */
  body: Buffer | undefined = undefined;
  /** Name of the upstream that served the request, for the access log. */
  upstream: string | undefined = undefined;
  /** Telemetry's state of this request (src/telemetry/request-state.ts), when telemetry is on. */
  telemetryState: RequestState | undefined = undefined;
  /** Kept from the start: `req.socket` is gone once the connection closes. */
  readonly remoteAddress: string;
  readonly socket: Socket;
  readonly #baseLog: Logger;
  #log: Logger | undefined;
  #headHooks: ResponseHeadHook[] | undefined;
  #abort: AbortController | undefined;

  constructor(req: ExchangeRequest, res: ExchangeResponse, id: string, baseLog: Logger) {
    this.req = req;
    this.res = res;
    this.id = id;
    this.startedAt = process.hrtime.bigint();
    this.#baseLog = baseLog;
    this.socket = req.socket;
    this.remoteAddress = req.socket.remoteAddress ?? '';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    this.path = q === -1 ? url : url.slice(0, q);
    this.query = q === -1 ? '' : url.slice(q + 1);
  }

  /** True once the client has gone away before the response was complete. */
  /** Whether the client connected over TLS (HTTP/2's socket is a proxy that answers for the TLS socket). */
  get secure(): boolean {
    return (this.socket as Partial<TLSSocket>).encrypted === true;
  }

  get aborted(): boolean {
    return this.res.closed && !this.res.writableFinished;
  }

  /**
   * Aborted when the client goes away before the response is complete. Made on first use: an
   * AbortController per request is a measurable cost, and most requests never need one.
   */
  get signal(): AbortSignal {
    if (this.#abort === undefined) {
      const controller = new AbortController();
      this.#abort = controller;
      if (this.aborted) controller.abort();
      else this.res.once('close', () => !this.res.writableFinished && controller.abort());
    }
    return this.#abort.signal;
  }

  /** A logger bound to this request's id, made on first use. */
  get log(): Logger {
    this.#log ??= this.#baseLog.child({ reqId: this.id });
    return this.#log;
  }

  /** Registers an edit applied to the response head just before it is written. */
  onResponseHead(hook: ResponseHeadHook): void {
    (this.#headHooks ??= []).push(hook);
  }

  /** Every upstream and the listener write the response head through here. */
  writeHead(status: number, headers: OutgoingHttpHeaders): void {
    this.applyHeadHooks(status, headers);
    this.res.writeHead(status, headers);
  }

  /**
   * `writeHead` for a head held as [name, value, ...] pairs with lowercased names (a proxied
   * response's): passed on as they are, unless a filter hooks the head, which then edits the
   * object made from them.
   */
  writeHeadFields(status: number, fields: string[], toObject: (fields: readonly string[]) => OutgoingHttpHeaders): void {
    if (this.#headHooks === undefined) this.res.writeHead(status, fields);
    else this.writeHead(status, toObject(fields));
  }

  /** The filters' edits to a response head, for a head written other than by `writeHead` (101). */
  applyHeadHooks(status: number, headers: OutgoingHttpHeaders): void {
    if (this.#headHooks !== undefined) for (const hook of this.#headHooks) hook(status, headers);
  }
}
