/**
 * The incremental HTTP/1.1 response parser for upstream connections (the HTTP upstream's side of
 * the data path), as strict as the request parser: the same line, field, Content-Length,
 * Transfer-Encoding and chunked rules, with RFC 9112 §6.3 deciding where each body ends:
 *
 *   1. a response to HEAD, and any 1xx, 204 or 304, has no body whatever its fields say;
 *   2. 101, and a 2xx to CONNECT, end HTTP on the connection: what follows is the tunnel;
 *   3. Transfer-Encoding ending in chunked is chunked; any other Transfer-Encoding, and a response
 *      with neither field, runs until the upstream closes (and the connection is not reused);
 *   4. otherwise Content-Length.
 *
 * Both Content-Length and Transfer-Encoding is refused rather than letting Transfer-Encoding win
 * (§6.3 allows either; it is the signature of response splitting). A Content-Length the upstream
 * does not keep is refused too: bytes past it, when no other response is awaited, are
 * `unexpected-data`; a close before it is `unexpected-eof` from `finish()`.
 *
 * Driving it: `parser.expectResponse(method)` once per request written, in order (pipelining is
 * allowed), then `execute(chunk)` for each read and `finish()` at end of stream, as with the request
 * parser. The handler sees `onResponseHead` for interim responses too (`head.informational`,
 * no body and no end: the final response follows), then the final head, its body and its end.
 * `pending` counts requests still waiting for their final response: an upstream that closes
 * with `pending > 0` and the parser `idle` never began answering (a request safe to retry).
 * Errors are Http1Errors with code SY_ERR_UPSTREAM_PROTOCOL (502) or, for the head limits,
 * SY_ERR_UPSTREAM_HEADERS_TOO_LARGE.
 */
import type { Http1Limits } from './limits.js';
import { CHUNKED, MessageParser, TAKE_OVER, UNTIL_EOF } from './message-parser.js';
import { ResponseHead, type ResponseBodyKind } from './response-head.js';
import { parseStatusLine, type StatusLine } from './start-line.js';

export interface ResponseHandler {
  onResponseHead(head: ResponseHead): void;
  onResponseBody(chunk: Buffer): void;
  /** The final response is complete; `rawTrailers` undefined when there were none. */
  onResponseEnd(rawTrailers: readonly string[] | undefined): void;
}

export class ResponseParser extends MessageParser {
  readonly #handler: ResponseHandler;
  readonly #line: StatusLine = { version: '1.1', status: 0, reason: '' };
  /** Methods of the requests awaiting a final response, oldest first. */
  readonly #methods: string[] = [];
  #keepAlive = true;
  #informational = false;

  constructor(handler: ResponseHandler, limits: Partial<Http1Limits> = {}) {
    super('response', limits);
    this.#handler = handler;
  }

  /** A request with this method was written; its response is expected after earlier ones. */
  expectResponse(method: string): void {
    this.#methods.push(method);
  }

  /** Requests written whose final response has not fully arrived. */
  get pending(): number {
    return this.#methods.length;
  }

  protected override startLine(buf: Buffer, start: number, end: number): void {
    parseStatusLine(buf, start, end, this.#line);
  }

  protected override headComplete(rawHeaders: string[]): number {
    const facts = this.facts;
    const { status, reason, version } = this.#line;
    const method = this.#methods[0];
    let kind: ResponseBodyKind;
    let framing: number;
    if (status === 101 || (method === 'CONNECT' && status >= 200 && status < 300)) {
      kind = 'tunnel';
      framing = TAKE_OVER;
    } else if (status < 200 || status === 204 || status === 304 || method === 'HEAD') {
      kind = 'none';
      framing = 0;
    } else if (facts.transferEncoding) {
      kind = facts.chunked ? 'chunked' : 'close';
      framing = facts.chunked ? CHUNKED : UNTIL_EOF;
    } else if (facts.contentLength >= 0) {
      kind = facts.contentLength > 0 ? 'length' : 'none';
      framing = facts.contentLength;
    } else {
      kind = 'close';
      framing = UNTIL_EOF;
    }
    this.#informational = status < 200 && status !== 101;
    this.#keepAlive = kind !== 'close' && kind !== 'tunnel' && !facts.close && (version === '1.1' || facts.keepAlive);
    const head = new ResponseHead(status, reason, version, rawHeaders, this.#keepAlive, kind, kind === 'none' ? 0 : kind === 'length' ? framing : undefined);
    if (framing === TAKE_OVER) this.#methods.shift();
    this.#handler.onResponseHead(head);
    return framing;
  }

  protected override body(chunk: Buffer): void {
    this.#handler.onResponseBody(chunk);
  }

  protected override messageComplete(rawTrailers: string[] | undefined): boolean {
    if (this.#informational) return true;
    this.#methods.shift();
    this.#handler.onResponseEnd(rawTrailers);
    return this.#keepAlive;
  }

  protected override expectingMessage(): boolean {
    return this.#methods.length > 0;
  }
}
