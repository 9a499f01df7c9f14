/**
 * One try of a request on one connection, as an undici dispatch handler. The response head is
 * judged the moment it arrives (before any body byte is read): either it goes to the client and
 * the body streams through with backpressure, or — a retriable status with a retry still allowed
 * — it is swallowed and the caller tries again. Written against undici's dispatch API rather
 * than `request()` so the body goes straight from the upstream socket to the client's, with no
 * Readable in between. A 101 to a protocol switch hands over the upstream socket: the 101 goes to
 * the client and the two sockets are piped into each other until either side ends.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Exchange } from '../../listener/exchange.js';
import { SwitchyardError } from '../../errors.js';
import { appendVia, endToEndHeaders } from './hop-by-hop.js';

export type HeadDecision = 'forward' | 'retry';

export type AttemptResult =
  /** The response went to the client (completely, or cut off after its head). */
  | { readonly kind: 'forwarded'; readonly status: number; readonly reusable: boolean }
  /** The answer was swallowed for a retry. */
  | { readonly kind: 'retry'; readonly status: number; readonly reusable: boolean }
  /** Nothing reached the client; `error` is the raw failure. */
  | { readonly kind: 'failed'; readonly error: unknown };

export interface AttemptOptions {
  readonly exchange: Exchange;
  /** Called once with the response head; 'retry' swallows the response. */
  readonly decide: (status: number) => HeadDecision;
  /** Called when the response head arrives, before `decide` (for latency and outlier records). */
  readonly onHead: (status: number) => void;
  /** Whole-attempt limit in ms (0: none). */
  readonly totalTimeout: number;
  /** A WebSocket tunnel with no byte either way this long (ms) is closed (0: never). */
  readonly tunnelIdleTimeout: number;
  readonly label: string;
}

export class Attempt implements Dispatcher.DispatchHandler {
  readonly #opts: AttemptOptions;
  readonly #settle: (result: AttemptResult) => void;
  readonly result: Promise<AttemptResult>;
  #controller: Dispatcher.DispatchController | undefined;
  #mode: 'waiting' | HeadDecision = 'waiting';
  #status = 0;
  /** The upstream said it closes the connection after this response (RFC 9112 §9.6). */
  #closing = false;
  #timer: NodeJS.Timeout | undefined;
  #waitingDrain = false;
  #settled = false;
  /** The client went away before the response was complete: stop the upstream request too. */
  readonly #onClose = () => {
    if (!this.#opts.exchange.res.writableFinished) this.#controller?.abort(new Error('the client closed the connection'));
  };

  constructor(opts: AttemptOptions) {
    this.#opts = opts;
    let settle!: (result: AttemptResult) => void;
    this.result = new Promise((resolve) => (settle = resolve));
    this.#settle = (result) => {
      if (this.#settled) return;
      this.#settled = true;
      clearTimeout(this.#timer);
      opts.exchange.res.off('close', this.#onClose);
      settle(result);
    };
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#opts.exchange.aborted) {
      controller.abort(new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${this.#opts.label}: the client went away before the request was sent`));
      return;
    }
    // A 'close' listener on the response is cheaper than one on the AbortSignal (an EventTarget).
    this.#opts.exchange.res.once('close', this.#onClose);
    if (this.#opts.totalTimeout > 0) {
      this.#timer = setTimeout(
        () => controller.abort(new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${this.#opts.label}: no complete response within timeouts.total (${this.#opts.totalTimeout} ms)`)),
        this.#opts.totalTimeout,
      );
    }
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.#status = statusCode;
    const connection = headers['connection'];
    this.#closing = typeof connection === 'string' && connection.toLowerCase().includes('close');
    this.#opts.onHead(statusCode);
    this.#mode = this.#opts.decide(statusCode);
    if (this.#mode === 'retry') return;
    const out = endToEndHeaders(headers);
    appendVia(out);
    const { exchange } = this.#opts;
    try {
      exchange.writeHead(statusCode, out);
    } catch (err) {
      controller.abort(err as Error);
      return;
    }
    // Head, body and end usually arrive in one read from the upstream: hold the writes until the
    // end of this tick so they leave in one writev instead of two or three.
    exchange.res.cork();
    process.nextTick(() => exchange.res.uncork());
  }

  onRequestUpgrade(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, upstream: Duplex): void {
    const { exchange } = this.#opts;
    this.#status = statusCode;
    this.#opts.onHead(statusCode);
    const out: OutgoingHttpHeaders = endToEndHeaders(headers);
    appendVia(out as Record<string, string | string[]>);
    out['connection'] = 'upgrade';
    out['upgrade'] = headers['upgrade'];
    exchange.applyHeadHooks(statusCode, out);
    const client = exchange.socket;
    exchange.res.statusCode = statusCode;
    client.write(`HTTP/1.1 ${statusCode} Switching Protocols\r\n${serializeHead(out)}\r\n`);
    if (exchange.upgradeHead !== undefined && exchange.upgradeHead.length > 0) upstream.write(exchange.upgradeHead);
    // The tunnel ends when either side ends: what that side sent is delivered, then both close (a
    // half-open WebSocket serves no one, and the client side's socket would otherwise stay open).
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.once('end', () => client.end(closeBoth));
    client.once('end', () => upstream.end(closeBoth));
    upstream.once('error', closeBoth).once('close', closeBoth);
    client.once('close', closeBoth);
    // Every byte either way passes through the upstream socket (a net.Socket, whatever undici's
    // types say), so its idle timer covers both directions.
    if (this.#opts.tunnelIdleTimeout > 0) (upstream as Socket).setTimeout(this.#opts.tunnelIdleTimeout, closeBoth);
    upstream.pipe(client, { end: false });
    client.pipe(upstream, { end: false });
    this.#settle({ kind: 'forwarded', status: statusCode, reusable: false });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#mode !== 'forward') return;
    if (!this.#opts.exchange.res.write(chunk)) {
      this.#waitingDrain = true;
      controller.pause();
      this.#opts.exchange.res.once('drain', () => this.#drained());
    }
  }

  onResponseEnd(): void {
    if (this.#mode === 'forward') {
      this.#opts.exchange.res.end();
      this.#settle({ kind: 'forwarded', status: this.#status, reusable: !this.#closing });
    } else {
      this.#settle({ kind: 'retry', status: this.#status, reusable: !this.#closing });
    }
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#mode === 'forward') {
      // The head is out: the only honest signal left is to cut the client's connection.
      this.#opts.exchange.log.warn({ err: error, upstream: this.#opts.label }, 'upstream response failed after its head was sent');
      this.#opts.exchange.res.destroy(error);
      this.#settle({ kind: 'forwarded', status: this.#status, reusable: false });
    } else if (this.#mode === 'retry') {
      this.#settle({ kind: 'retry', status: this.#status, reusable: false });
    } else {
      this.#settle({ kind: 'failed', error });
    }
  }

  #drained(): void {
    if (!this.#waitingDrain) return;
    this.#waitingDrain = false;
    this.#controller?.resume();
  }
}

/** Header lines of a head written straight to the socket (the 101), each ending in CRLF. */
function serializeHead(headers: OutgoingHttpHeaders): string {
  let text = '';
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) text += `${name}: ${String(v)}\r\n`;
  }
  return text;
}
