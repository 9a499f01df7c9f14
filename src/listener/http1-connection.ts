/**
 * One client connection of the gateway's HTTP/1.1 listener: bytes from the socket go through the
 * strict request parser (http1/), each request comes out as a ServerRequest and ServerResponse
 * pair, and requests are served one at a time in the order they came (pipelined bytes wait, the
 * socket paused, until the response before them is written, as node and nginx do).
 *
 * It keeps the client-side deadlines nginx users expect, checked by the server's sweep rather
 * than a timer per request: the head within `timeouts.headers` and the whole request within
 * `timeouts.body` of its first byte (else 408), and an idle kept-alive connection closed after
 * `timeouts.idle`. A request the parser refuses is answered with a problem (400, or 431 for the
 * size limits) and the connection closed; nothing else on the server is affected.
 *
 * A WebSocket handshake leaves the parser: the request, a response bound to the raw socket and the
 * bytes after the head go to `onUpgrade`, and the socket is the upstream's from then on. Any other
 * Upgrade (h2c from `curl --http2`) is served as the plain HTTP/1.1 request it also is.
 */
import type { Socket } from 'node:net';
import { SwitchyardError, isSwitchyardError } from '../errors.js';
import { Http1Error } from './http1/http1-error.js';
import type { RequestHead } from './http1/request-head.js';
import { RequestParser, type RequestHandler } from './http1/request-parser.js';
import { toProblem } from './problem.js';
import { CHAIN_HEADER } from '../error-chain/header-codec.js';
import { chainHeaderOf } from '../error-chain/present.js';
import { requestIdFrom } from './request-id.js';
import { ServerRequest } from './server-request.js';
import { ServerResponse, type ResponseConnection } from './server-response.js';

export interface ConnectionOptions {
  readonly maxHeaderBytes: number;
  readonly maxHeaderCount: number;
  readonly timeouts: { readonly headers: number; readonly body: number; readonly idle: number };
  readonly onRequest: (req: ServerRequest, res: ServerResponse) => void;
  readonly onUpgrade: (req: ServerRequest, res: ServerResponse, head: Buffer) => void;
}

/** Where a connection is, for the deadlines: each phase has its own clock start (`since`). */
const enum Phase {
  /** Between requests: idle timeout. */
  Idle,
  /** The first bytes of a request arrived, the head is not complete: headers timeout. */
  Head,
  /** The head is complete, the body is arriving: body timeout, from the request's first byte. */
  Body,
  /** The whole request is in; the response is being made: the gateway's own timeouts apply. */
  Responding,
  /** The last response is out and the socket ended: the client gets `timeouts.idle` to close. */
  Closing,
  /** The socket belongs to a tunnel, or is closed. */
  Done,
}

export class Http1Connection implements RequestHandler, ResponseConnection {
  readonly socket: Socket;
  readonly keepAliveSeconds: number;
  readonly #options: ConnectionOptions;
  readonly #parser: RequestParser;
  readonly #forget: (conn: Http1Connection) => void;
  #phase = Phase.Idle;
  /** performance.now() when the current phase's deadline started counting. */
  #since = performance.now();
  #req: ServerRequest | undefined;
  #res: ServerResponse | undefined;
  /** Bytes received while the parser was paused. */
  #pending: Buffer | undefined;
  #requestEnded = false;
  #responseDone = false;
  /** The response is done before the request body: the rest of the body is read and dropped. */
  #discarding = false;
  /** Inside parser.execute: moving on to the next request waits until it returns. */
  #executing = false;
  #advanceAfterExecute = false;
  /** The head of an Upgrade request, decided on after execute returns. */
  #upgrade: RequestHead | undefined;
  /** The server is closing: no request after the current one. */
  #closing = false;

  constructor(socket: Socket, options: ConnectionOptions, forget: (conn: Http1Connection) => void) {
    this.socket = socket;
    this.#options = options;
    this.#forget = forget;
    this.keepAliveSeconds = Math.floor(options.timeouts.idle / 1000);
    this.#parser = new RequestParser(this, { maxHeaderBytes: options.maxHeaderBytes, maxHeaderCount: options.maxHeaderCount });
    socket.setNoDelay(true);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    // 'close' follows every error; the request and response learn of it there.
    socket.on('error', () => {});
    socket.once('close', this.#onClose);
  }

  /** Between requests, with nothing received: safe to close when the server stops. */
  get idle(): boolean {
    return this.#phase === Phase.Idle && this.#pending === undefined;
  }

  /** The server stops: close after the response in progress (now, when idle). */
  close(): void {
    this.#closing = true;
    if (this.idle) this.socket.destroy();
  }

  /** Called by the server's sweep with the time now: enforces the client-side deadlines. */
  checkDeadlines(now: number): void {
    const { timeouts } = this.#options;
    const elapsed = now - this.#since;
    switch (this.#phase) {
      case Phase.Idle:
      case Phase.Closing:
        if (elapsed > timeouts.idle) this.socket.destroy();
        break;
      case Phase.Head:
        if (elapsed > timeouts.headers) this.#clientError(new SwitchyardError('SY_ERR_REQUEST_TIMEOUT', 'the request head was not received within timeouts.headers'));
        break;
      case Phase.Body:
        if (elapsed > timeouts.body) this.#clientError(new SwitchyardError('SY_ERR_REQUEST_TIMEOUT', 'the request was not received within the time allowed'));
        break;
      default:
        break;
    }
  }

  // --- socket -----------------------------------------------------------------------------------

  readonly #onData = (chunk: Buffer): void => {
    if (this.#pending !== undefined || this.#parser.paused) {
      this.#pending = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
      this.socket.pause();
      return;
    }
    this.#feed(chunk);
  };

  readonly #onEnd = (): void => {
    if (this.#phase === Phase.Idle && this.#pending === undefined) {
      this.socket.end();
      return;
    }
    try {
      this.#parser.finish();
    } catch (err) {
      // The client stopped sending in the middle of a request: nobody is left to answer.
      this.#req?.destroy(err as Error);
      this.socket.destroy();
      return;
    }
    // A half-closed client still gets the responses to what it sent.
    if (this.#phase === Phase.Idle) this.socket.end();
    else this.#closing = true;
  };

  readonly #onClose = (): void => {
    this.#phase = Phase.Done;
    const req = this.#req;
    if (req !== undefined && !req.complete) req.destroy(Object.assign(new Error('the client closed the connection'), { code: 'ECONNRESET' }));
    this.#res?.destroy();
    this.#forget(this);
  };

  #feed(chunk: Buffer): void {
    if (this.#phase === Phase.Idle) {
      this.#phase = Phase.Head;
      this.#since = performance.now();
    }
    let used: number;
    this.#executing = true;
    try {
      used = this.#parser.execute(chunk);
    } catch (err) {
      this.#executing = false;
      this.#clientError(err);
      return;
    } finally {
      this.#executing = false;
    }
    const upgrade = this.#upgrade;
    if (upgrade !== undefined) {
      this.#upgrade = undefined;
      this.#takeUpgrade(upgrade, chunk.subarray(used));
      return;
    }
    if (used < chunk.length) {
      this.#pending = chunk.subarray(used);
      this.socket.pause();
    }
    if (this.#advanceAfterExecute) {
      this.#advanceAfterExecute = false;
      this.#next();
    }
  }

  /** Feeds what arrived while paused. */
  #feedPending(): void {
    const pending = this.#pending;
    this.socket.resume();
    if (pending === undefined) return;
    this.#pending = undefined;
    this.#feed(pending);
  }

  // --- parser callbacks -------------------------------------------------------------------------

  onRequestHead(head: RequestHead): void {
    this.#phase = Phase.Body;
    if (head.upgrade) {
      this.#upgrade = head;
      return;
    }
    this.#dispatch(head);
  }

  onRequestBody(chunk: Buffer): void {
    if (this.#discarding) return;
    if (!(this.#req as ServerRequest).push(chunk)) this.#parser.pause();
  }

  onRequestEnd(): void {
    this.#requestEnded = true;
    this.#phase = Phase.Responding;
    const req = this.#req as ServerRequest;
    if (!req.complete) {
      req.complete = true;
      if (!this.#discarding) req.push(null);
    }
    // One request at a time: the next one waits until this response is written.
    this.#parser.pause();
    if (this.#responseDone) {
      if (this.#executing) this.#advanceAfterExecute = true;
      else this.#next();
    }
  }

  // --- responses --------------------------------------------------------------------------------

  responseFinished(res: ServerResponse, keepAlive: boolean): void {
    if (res !== this.#res) return;
    this.#responseDone = true;
    if (!keepAlive || this.#closing) {
      this.#end();
      return;
    }
    if (this.#requestEnded) {
      if (this.#executing) this.#advanceAfterExecute = true;
      else this.#next();
      return;
    }
    // Answered before the body was in (a 413, a PHP script that did not read it): read the
    // rest of the body and drop it, then serve the next request on this connection.
    this.#discarding = true;
    if (this.#parser.paused && !this.#executing) {
      this.#parser.resume();
      this.#feedPending();
    }
  }

  responseAborted(res: ServerResponse): void {
    if (res === this.#res) this.socket.destroy();
  }

  /** The request's reader wants more body. */
  readonly #resumeBody = (): void => {
    if (this.#requestEnded || !this.#parser.paused || this.#executing) return;
    this.#parser.resume();
    this.#feedPending();
  };

  #dispatch(head: RequestHead): ServerRequest {
    const req = new ServerRequest(head, this.socket, this.#resumeBody);
    const res = new ServerResponse(this, head, head.keepAlive && !this.#closing);
    this.#req = req;
    this.#res = res;
    this.#requestEnded = false;
    this.#responseDone = false;
    this.#discarding = false;
    if (head.expectContinue) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    this.#options.onRequest(req, res);
    return req;
  }

  /** After the response and the request are both complete: the next request, if any. */
  #next(): void {
    this.#req = undefined;
    this.#res = undefined;
    this.#phase = Phase.Idle;
    this.#since = performance.now();
    if (this.#closing) {
      this.#end();
      return;
    }
    this.#parser.resume();
    this.#feedPending();
  }

  /** No more requests on this connection: end it once what was written is out. */
  #end(): void {
    this.#phase = Phase.Closing;
    this.#since = performance.now();
    this.socket.end();
  }

  #takeUpgrade(head: RequestHead, rest: Buffer): void {
    if (String(head.headers.upgrade).toLowerCase() === 'websocket' && head.method === 'GET') {
      this.#phase = Phase.Done;
      this.socket.off('data', this.#onData).off('end', this.#onEnd);
      const req = new ServerRequest(head, this.socket, () => {});
      req.complete = true;
      req.push(null);
      const res = new ServerResponse(this, head, false);
      this.#req = req;
      this.#res = res;
      this.#options.onUpgrade(req, res, Buffer.from(rest));
      return;
    }
    // Not a protocol the gateway switches to: the request is served as HTTP/1.1, body included.
    this.#dispatch(head);
    try {
      this.#parser.continueAsHttp();
    } catch (err) {
      this.#clientError(err);
      return;
    }
    if (rest.length > 0) this.#feed(rest);
  }

  /**
   * A request the parser refused, or a deadline passed. Without a response under way the client
   * gets a problem and the connection closes; with one, the connection is cut.
   */
  #clientError(err: unknown): void {
    if (err instanceof Http1Error && err.reason === 'data-after-close') {
      // Bytes after a request that closes the connection: the response in progress still goes out.
      this.#closing = true;
      this.#parser.pause();
      return;
    }
    this.#phase = Phase.Closing;
    this.#since = performance.now();
    const error = isSwitchyardError(err) ? err : new SwitchyardError('SY_ERR_BAD_REQUEST', `malformed request: ${String(err)}`);
    const req = this.#req;
    if (req !== undefined && !req.complete) req.destroy(error);
    const res = this.#res;
    if (res !== undefined && (res.headersSent || res.destroyed)) {
      this.socket.destroy();
      return;
    }
    if (res !== undefined) {
      res.statusCode = error.status;
      res.detach();
    }
    if (this.socket.destroyed || !this.socket.writable) {
      this.socket.destroy();
      return;
    }
    const problem = toProblem(error, requestIdFrom(undefined));
    const body = JSON.stringify(problem);
    this.socket.end(`HTTP/1.1 ${error.status} ${error.title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${CHAIN_HEADER}: ${chainHeaderOf(problem)}\r\nconnection: close\r\n\r\n${body}`);
  }
}
