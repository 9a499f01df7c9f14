/**
 * One try of a request on one upstream connection. The response head is judged the moment it is
 * parsed, before any body byte is forwarded: either it goes to the client and the body streams
 * through with backpressure (the upstream socket paused while the client's is full), or — a
 * retriable status with a retry still allowed — it is swallowed and the caller tries again.
 *
 * What one read of the upstream gives (often head, body and end together) is collected while the
 * parser runs and forwarded once it returns, in one corked write to the client. So a response the
 * parser refuses within that read (bytes past its Content-Length, a malformed chunk) has sent
 * nothing yet and becomes a 502 problem; after its head is out, the only honest signal left is
 * to cut the client's connection. A 101 to a WebSocket handshake hands over the upstream socket:
 * the 101 goes to the client and the two sockets are piped into each other until either side ends.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Exchange } from '../../listener/exchange.js';
import type { ResponseHead } from '../../listener/http1/response-head.js';
import { SwitchyardError } from '../../errors.js';
import { appendVia, endToEndHeaders } from './hop-by-hop.js';
import { fieldsObject, forwardedResponseFields } from './response-fields.js';
import { writeRequest, type RequestFraming } from './request-writer.js';
import type { ConnectionUser, UpstreamConnection } from './upstream-connection.js';

export type HeadDecision = 'forward' | 'retry';

export type AttemptResult =
  /** The response went to the client (completely, or cut off after its head). */
  | { readonly kind: 'forwarded'; readonly status: number; readonly reusable: boolean }
  /** The answer was swallowed for a retry. */
  | { readonly kind: 'retry'; readonly status: number; readonly reusable: boolean }
  /**
   * Nothing reached the client; `error` is the raw failure. `reusedUnanswered`: the request went
   * out on a kept connection that closed without a byte of answer (it may have been closing as
   * the request was handed to it).
   */
  | { readonly kind: 'failed'; readonly error: unknown; readonly connected: boolean; readonly reusedUnanswered: boolean };

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
  /** The serialized request head, and how the request body follows it. */
  readonly head: string;
  readonly framing: RequestFraming;
}

export class Attempt implements ConnectionUser {
  readonly #opts: AttemptOptions;
  readonly #conn: UpstreamConnection;
  #resolve!: (result: AttemptResult) => void;
  readonly result: Promise<AttemptResult>;
  #mode: 'waiting' | HeadDecision = 'waiting';
  #status = 0;
  /** The final head, parsed and not yet written to the client. */
  #head: ResponseHead | undefined;
  /** Body pieces of the current read, not yet written to the client. */
  #pieces: Buffer[] = [];
  #ended = false;
  #headOut = false;
  #keepAlive = false;
  #timer: NodeJS.Timeout | undefined;
  /** Stops streaming the request body, once the attempt is over. */
  #stopBody: (() => void) | undefined;
  #settled = false;
  /** The client went away before the response was complete: stop the upstream request too. */
  readonly #onClose = () => {
    if (!this.#opts.exchange.res.writableFinished) this.#conn.fail(new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${this.#opts.label}: the client closed the connection`));
  };
  readonly #onDrain = () => this.#conn.resume();

  constructor(opts: AttemptOptions, conn: UpstreamConnection) {
    this.#opts = opts;
    this.#conn = conn;
    this.result = new Promise((resolve) => (this.#resolve = resolve));
  }

  #settle(result: AttemptResult): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.#stopBody?.();
    this.#opts.exchange.res.off('close', this.#onClose).off('drain', this.#onDrain);
    this.#resolve(result);
  }

  /** Sends the request once the connection is up and reads the answer. */
  start(method: string): void {
    const { exchange } = this.#opts;
    if (exchange.aborted) {
      this.#settle({ kind: 'failed', error: new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${this.#opts.label}: the client went away before the request was sent`), connected: this.#conn.connected, reusedUnanswered: false });
      return;
    }
    // A 'close' listener on the response is cheaper than one on the AbortSignal (an EventTarget).
    exchange.res.once('close', this.#onClose);
    if (this.#opts.totalTimeout > 0) {
      this.#timer = setTimeout(
        () => this.#conn.fail(new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${this.#opts.label}: no complete response within timeouts.total (${this.#opts.totalTimeout} ms)`)),
        this.#opts.totalTimeout,
      );
    }
    this.#conn.start(this, method);
  }

  /** The connection is up: head and body go on its socket. */
  send(socket: Socket): void {
    this.#stopBody = writeRequest(socket, this.#opts.head, this.#opts.exchange.req, this.#opts.framing, this.#opts.exchange.body);
  }

  // --- the parser, through the connection ---------------------------------------------------------

  onResponseHead(head: ResponseHead): void {
    // 1xx interim answers (100, 103) are this hop's: the client's Expect was answered here.
    if (head.informational) return;
    this.#status = head.status;
    this.#keepAlive = head.keepAlive;
    this.#opts.onHead(head.status);
    this.#mode = head.bodyKind === 'tunnel' ? 'forward' : this.#opts.decide(head.status);
    if (this.#mode === 'forward') this.#head = head;
  }

  onResponseBody(chunk: Buffer): void {
    if (this.#mode === 'forward') this.#pieces.push(chunk);
  }

  onResponseEnd(): void {
    this.#ended = true;
  }

  afterRead(): void {
    if (this.#settled) return;
    if (this.#mode === 'retry') {
      if (this.#ended) this.#finish('retry');
      return;
    }
    if (this.#mode !== 'forward') return;
    const { exchange } = this.#opts;
    const res = exchange.res;
    const socket = exchange.socket;
    // Head, body and end leave in one write when they came in one read.
    socket.cork();
    try {
      const head = this.#head;
      if (head !== undefined) {
        this.#head = undefined;
        try {
          exchange.writeHeadFields(head.status, forwardedResponseFields(head.rawHeaders), fieldsObject);
        } catch (err) {
          // A field the client side cannot carry: the response cannot be passed on.
          this.#conn.fail(new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${this.#opts.label}: response head cannot be forwarded (${String((err as Error).message).toLowerCase()})`, { cause: err }));
          return;
        }
        this.#headOut = true;
      }
      let room = true;
      const pieces = this.#pieces;
      for (let i = 0; i < pieces.length; i++) room = res.write(pieces[i]) && room;
      if (pieces.length > 0) this.#pieces = [];
      if (this.#ended) {
        res.end();
        this.#finish('forwarded');
      } else if (!room) {
        this.#conn.pause();
        res.once('drain', this.#onDrain);
      }
    } finally {
      socket.uncork();
    }
  }

  connectionFailed(err: unknown): void {
    if (this.#settled) return;
    if (this.#headOut) {
      // The head is out: the only honest signal left is to cut the client's connection.
      this.#opts.exchange.log.warn({ err, upstream: this.#opts.label }, 'upstream response failed after its head was sent');
      this.#opts.exchange.res.destroy();
      this.#settle({ kind: 'forwarded', status: this.#status, reusable: false });
    } else if (this.#mode === 'retry') {
      this.#settle({ kind: 'retry', status: this.#status, reusable: false });
    } else {
      this.#settle({ kind: 'failed', error: err, connected: this.#conn.connected, reusedUnanswered: this.#conn.reusedUnanswered });
    }
  }

  tunnel(upstream: Socket, rest: Buffer): void {
    const { exchange } = this.#opts;
    const head = this.#head;
    this.#head = undefined;
    if (head === undefined || head.status !== 101 || exchange.upgradeHead === undefined) {
      upstream.destroy();
      this.#settle({
        kind: 'failed',
        error: new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${this.#opts.label}: switched protocols on a request that did not ask to`),
        connected: true,
        reusedUnanswered: false,
      });
      return;
    }
    const out: OutgoingHttpHeaders = endToEndHeaders(head.headers);
    appendVia(out as Record<string, string | string[]>);
    out['connection'] = 'upgrade';
    out['upgrade'] = head.headers['upgrade'];
    exchange.applyHeadHooks(101, out);
    const client = exchange.socket;
    exchange.res.statusCode = 101;
    client.write(`HTTP/1.1 101 Switching Protocols\r\n${serializeFields(out)}\r\n`);
    if (rest.length > 0) client.write(rest);
    if (exchange.upgradeHead.length > 0) upstream.write(exchange.upgradeHead);
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
    // Every byte either way passes through the upstream socket, so its idle timer covers both.
    if (this.#opts.tunnelIdleTimeout > 0) upstream.setTimeout(this.#opts.tunnelIdleTimeout, closeBoth);
    upstream.pipe(client, { end: false });
    client.pipe(upstream, { end: false });
    upstream.resume();
    this.#settle({ kind: 'forwarded', status: 101, reusable: false });
  }

  #finish(kind: 'forwarded' | 'retry'): void {
    this.#conn.done();
    this.#settle({ kind, status: this.#status, reusable: this.#keepAlive });
  }
}

/** Header lines of a head written straight to the socket (the 101), each ending in CRLF. */
function serializeFields(headers: OutgoingHttpHeaders): string {
  let text = '';
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) text += `${name}: ${String(v)}\r\n`;
  }
  return text;
}
