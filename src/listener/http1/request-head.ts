/**
 * A parsed request head, what the listener gets from the request parser: the request line,
 * the fields as received (node's rawHeaders layout) and a lowercased lookup built on first use with
 * node's rules for repeated fields, and the decisions the parser made from the fields
 * (keep-alive, upgrade, 100-continue, body framing).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { headerLookup } from './header-lookup.js';
import type { HttpVersion } from './start-line.js';

/** How the request body is delimited (RFC 9112 §6.3): none, Content-Length bytes, or chunked. */
export type RequestBodyKind = 'none' | 'length' | 'chunked';

export class RequestHead {
  readonly method: string;
  /** The request-target exactly as sent (origin-form `/a?b`, absolute-form, `host:port`, `*`). */
  readonly target: string;
  readonly httpVersion: HttpVersion;
  /** [name, value, name, value, ...] in the order received, names in their original case. */
  readonly rawHeaders: readonly string[];
  /**
   * The connection may carry another request after this one: HTTP/1.1 without a `close` token,
   * HTTP/1.0 with `keep-alive` and without `close` (Connection or Proxy-Connection, as llhttp).
   */
  readonly keepAlive: boolean;
  /**
   * CONNECT, or an Upgrade field with `Connection: upgrade`. The parser stops after this head;
   * the listener either takes the socket (and the bytes after the head) or calls
   * `continueAsHttp()` to read the request's body and the next requests as HTTP/1.1.
   */
  readonly upgrade: boolean;
  /** HTTP/1.1 with `Expect: 100-continue` (node's test): send 100 Continue before reading the body. */
  readonly expectContinue: boolean;
  readonly bodyKind: RequestBodyKind;
  /** The Content-Length for `length`, 0 for `none`, undefined for `chunked`. */
  readonly contentLength: number | undefined;
  #headers: IncomingHttpHeaders | undefined;

  constructor(
    method: string,
    target: string,
    httpVersion: HttpVersion,
    rawHeaders: readonly string[],
    keepAlive: boolean,
    upgrade: boolean,
    expectContinue: boolean,
    bodyKind: RequestBodyKind,
    contentLength: number | undefined,
  ) {
    this.method = method;
    this.target = target;
    this.httpVersion = httpVersion;
    this.rawHeaders = rawHeaders;
    this.keepAlive = keepAlive;
    this.upgrade = upgrade;
    this.expectContinue = expectContinue;
    this.bodyKind = bodyKind;
    this.contentLength = contentLength;
  }

  /** Lowercased names, repeated fields joined as node's `IncomingMessage.headers` joins them. */
  get headers(): IncomingHttpHeaders {
    return (this.#headers ??= headerLookup(this.rawHeaders));
  }
}
