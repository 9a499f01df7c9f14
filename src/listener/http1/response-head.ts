/**
 * A parsed response head from an upstream: the status line, the fields as received with a
 * node-compatible lowercased lookup, and the framing the response parser chose (RFC 9112 §6.3).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { headerLookup } from './header-lookup.js';
import type { HttpVersion } from './start-line.js';

/**
 * How the response body is delimited: none (HEAD, 1xx, 204, 304, Content-Length 0), Content-Length
 * bytes, chunked, until the upstream closes the connection, or not HTTP at all any more (101
 * Switching Protocols, a 2xx to CONNECT: the connection is a tunnel after the head).
 */
export type ResponseBodyKind = 'none' | 'length' | 'chunked' | 'close' | 'tunnel';

export class ResponseHead {
  readonly status: number;
  /** The reason phrase as sent, possibly empty. */
  readonly reason: string;
  readonly httpVersion: HttpVersion;
  readonly rawHeaders: readonly string[];
  /** The connection can carry the next request once this response's body is read. */
  readonly keepAlive: boolean;
  readonly bodyKind: ResponseBodyKind;
  /** The Content-Length for `length`, 0 for `none`, undefined otherwise. */
  readonly contentLength: number | undefined;
  #headers: IncomingHttpHeaders | undefined;

  constructor(
    status: number,
    reason: string,
    httpVersion: HttpVersion,
    rawHeaders: readonly string[],
    keepAlive: boolean,
    bodyKind: ResponseBodyKind,
    contentLength: number | undefined,
  ) {
    this.status = status;
    this.reason = reason;
    this.httpVersion = httpVersion;
    this.rawHeaders = rawHeaders;
    this.keepAlive = keepAlive;
    this.bodyKind = bodyKind;
    this.contentLength = contentLength;
  }

  /** An interim response (1xx but 101): the final response to the same request follows. */
  get informational(): boolean {
    return this.status < 200 && this.status !== 101;
  }

  get headers(): IncomingHttpHeaders {
    return (this.#headers ??= headerLookup(this.rawHeaders));
  }
}
