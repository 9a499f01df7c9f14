/**
 * The incremental HTTP/1.1 request parser the listener runs on each client connection.
 *
 * Written by hand rather than taken from node: node's parser, llhttp, is not a public API (no
 * byte-level control: where a message ends, what was consumed, pausing between pipelined
 * requests), and what node:http builds around it per request (IncomingMessage and ServerResponse
 * streams, their events and closures) is most of the CPU node spends per request. This parser
 * allocates per request only what the request is made of: its head object and strings.
 *
 * Driving it (one parser per connection, one handler object per connection, no closures):
 *
 *   const parser = new RequestParser(handler, { maxHeaderBytes, maxHeaderCount });
 *   socket.on('data', (chunk) => {
 *     const used = parser.execute(chunk);           // throws Http1Error: answer err.status, close
 *     if (used < chunk.length) keep chunk.subarray(used) // paused, or an upgrade took the socket
 *   });
 *   socket.on('end', () => parser.finish());         // throws `unexpected-eof` mid-request
 *
 * - `handler.onRequestHead(head)` comes once the head is complete and checked; then
 *   `onRequestBody(chunk)` for each piece of body as it arrives (chunk is a view of the Buffer
 *   given to `execute`: copy it if it must outlive that buffer), then `onRequestEnd(rawTrailers)`.
 *   Several pipelined requests in one chunk come one after the other.
 * - Backpressure: any callback may call `parser.pause()`; `execute` then returns the bytes it
 *   consumed, and the caller feeds the rest again after `resume()`. A listener that answers in
 *   order pauses in `onRequestEnd` until the response is written, as node does.
 * - `head.upgrade` (CONNECT, or Upgrade with Connection: upgrade): `execute` stops right after the
 *   head, whatever its framing. A WebSocket handshake takes the socket with
 *   `chunk.subarray(used)`; any other upgrade the listener declines with `continueAsHttp()` and
 *   `execute(chunk.subarray(used))`, and the request is served as the HTTP/1.1 request it also is.
 * - `head.expectContinue`: write `HTTP/1.1 100 Continue` before the body is wanted (or a final
 *   status instead).
 * - After a request with `keepAlive` false the parser accepts no further request: any byte but a
 *   stray CR or LF is `data-after-close`, which needs no answer (finish the response and close).
 * - Errors: an Http1Error (a SwitchyardError) with a stable `reason` and `code`
 *   SY_ERR_BAD_REQUEST (400), SY_ERR_HEADERS_TOO_LARGE (431) or, for chunk extensions,
 *   SY_ERR_BODY_TOO_LARGE (413). Answer it as problem+json and close the connection.
 *
 * Not the parser's business: a missing Host (node's requireHostHeader, which the listener turns
 * off), timeouts, body size limits, and transfer codings other than chunked (RFC 9112 §6.1 501).
 */
import { Http1Error } from './http1-error.js';
import type { Http1Limits } from './limits.js';
import { CHUNKED, MessageParser, TAKE_OVER } from './message-parser.js';
import { RequestHead } from './request-head.js';
import { parseRequestLine, type RequestLine } from './start-line.js';

export interface RequestHandler {
  onRequestHead(head: RequestHead): void;
  onRequestBody(chunk: Buffer): void;
  /** `rawTrailers` as [name, value, ...], undefined when the request had none. */
  onRequestEnd(rawTrailers: readonly string[] | undefined): void;
}

export class RequestParser extends MessageParser {
  readonly #handler: RequestHandler;
  readonly #line: RequestLine = { method: '', target: '', version: '1.1' };
  #keepAlive = true;
  #framing = 0;
  #framingError: Http1Error | undefined;

  constructor(handler: RequestHandler, limits: Partial<Http1Limits> = {}) {
    super('request', limits);
    this.#handler = handler;
  }

  /**
   * After an upgrade head the listener does not take: reads the request's body, if it has one,
   * and the requests after it. Call `execute` with the bytes after the head next.
   */
  continueAsHttp(): void {
    if (this.#framingError !== undefined) this.fail(this.#framingError);
    this.continueWith(this.#framing);
  }

  protected override startLine(buf: Buffer, start: number, end: number): void {
    parseRequestLine(buf, start, end, this.#line);
  }

  protected override headComplete(rawHeaders: string[]): number {
    const facts = this.facts;
    const { method, target, version } = this.#line;
    if (facts.hosts > 1) throw new Http1Error('request', 'duplicate-host');
    let framing = 0;
    // RFC 9112 §6.1: a request whose last transfer coding is not chunked cannot be delimited. An
    // upgrade's body is only read if the listener declines the upgrade (llhttp does not check it).
    let framingError: Http1Error | undefined;
    if (facts.transferEncoding) {
      if (facts.chunked) framing = CHUNKED;
      else framingError = new Http1Error('request', 'invalid-transfer-encoding', 'chunked is not the last coding');
    } else if (facts.contentLength > 0) {
      framing = facts.contentLength;
    }
    const http11 = version === '1.1';
    // `close` ends the connection whatever the version (llhttp lets keep-alive win for HTTP/1.0).
    // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding closes the connection after it.
    this.#keepAlive = !facts.close && (http11 || (facts.keepAlive && !facts.transferEncoding));
    const upgrade = method === 'CONNECT' || (facts.upgrade && facts.connectionUpgrade);
    if (framingError !== undefined && !upgrade) throw framingError;
    const head = new RequestHead(
      method,
      target,
      version,
      rawHeaders,
      this.#keepAlive,
      upgrade,
      http11 && facts.expectContinue,
      framing === CHUNKED ? 'chunked' : framing > 0 ? 'length' : 'none',
      framing === CHUNKED ? undefined : framing,
    );
    this.#handler.onRequestHead(head);
    if (upgrade) {
      this.#framing = framing;
      this.#framingError = framingError;
      return TAKE_OVER;
    }
    return framing;
  }

  protected override body(chunk: Buffer): void {
    this.#handler.onRequestBody(chunk);
  }

  protected override messageComplete(rawTrailers: string[] | undefined): boolean {
    this.#handler.onRequestEnd(rawTrailers);
    return this.#keepAlive;
  }

  protected override expectingMessage(): boolean {
    return true;
  }
}
