/**
 * One HTTP/1.1 connection to an endpoint, carrying one request at a time (as nginx's and Envoy's
 * HTTP/1 pools do: a request pipelined behind a slow one inherits its latency and dies with its
 * connection). The socket's bytes go through the codec's ResponseParser (src/listener/http1),
 * whose callbacks go to the attempt using the connection; after each read the attempt forwards
 * what that read gave, so a head, its body and its end that came together leave together.
 *
 * A malformed response, a Content-Length the upstream does not keep, bytes nobody asked for: the
 * connection is closed and its attempt fails; nothing else shares it. Deadlines (firstByte, idle,
 * keepAliveTimeout) are checked by the pool's sweep from the bytes seen since its last pass, so a
 * request arms no timer. An upstream that says when it closes idle connections (`Keep-Alive:
 * timeout=N`, keep-alive-hint.ts) has its connections retired before then.
 */
import type { Socket } from 'node:net';
import { SwitchyardError } from '../../errors.js';
import { ResponseParser, type ResponseHandler } from '../../listener/http1/response-parser.js';
import type { ResponseHead } from '../../listener/http1/response-head.js';
import type { ConnectionEntry } from '../../cluster/connection-table.js';
import { reuseWindowMs } from './keep-alive-hint.js';

/** What uses a connection for one request: the attempt. */
export interface ConnectionUser extends ResponseHandler {
  /** The connection is up (at once, or when it connects): write the request on `socket`. */
  send(socket: Socket): void;
  /** Everything one socket read gave was parsed: forward what was collected. */
  afterRead(): void;
  /** The connection failed or closed before the response was complete. */
  connectionFailed(err: unknown): void;
  /** The response was a 101: the socket leaves HTTP; `rest` came after the head. */
  tunnel(socket: Socket, rest: Buffer): void;
}

/** Why a connection went: the connection table's words. */
export type GoneHow = 'normal' | 'connect-failure' | 'hung';

export interface ConnectionLimits {
  readonly maxHeaderBytes: number;
  readonly firstByteTimeout: number;
  readonly idleTimeout: number;
  readonly keepAliveTimeout: number;
  readonly connectTimeout: number;
  readonly label: string;
}

export class UpstreamConnection implements ResponseHandler {
  readonly socket: Socket;
  readonly entry: ConnectionEntry;
  readonly #parser: ResponseParser;
  readonly #limits: ConnectionLimits;
  readonly #gone: (conn: UpstreamConnection, err: unknown, how: GoneHow) => void;
  #user: ConnectionUser | undefined;
  #connected = false;
  #connectTimer: NodeJS.Timeout | undefined;
  /** The current request waits for the connection to come up. */
  #sendOnConnect = false;
  /** Requests completed on this connection. */
  #served = 0;
  /** The current request has had a byte of response. */
  #answered = false;
  #headSeen = false;
  #tunnel = false;
  #paused = false;
  #error: unknown;
  #how: GoneHow = 'normal';
  #dead = false;
  // The sweep's view: activity seen at its last pass, and since when nothing moved (-1: from the next pass).
  #activity = -1;
  #quietSince = -1;
  /** From the last response's Keep-Alive hint: how long it may idle and be reused (ms). */
  #reuseWindow: number | undefined;
  /** performance.now() after which the idle connection is not reused (Infinity: no hint). */
  #reuseBefore = Infinity;

  constructor(socket: Socket, readyEvent: 'connect' | 'secureConnect', entry: ConnectionEntry, limits: ConnectionLimits, gone: (conn: UpstreamConnection, err: unknown, how: GoneHow) => void) {
    this.socket = socket;
    this.entry = entry;
    this.#limits = limits;
    this.#gone = gone;
    this.#parser = new ResponseParser(this, { maxHeaderBytes: limits.maxHeaderBytes });
    entry.attach(socket);
    socket.once(readyEvent, this.#onConnect);
    socket.on('data', this.#onData);
    socket.on('end', this.#onEnd);
    socket.on('error', this.#onError);
    socket.once('close', this.#onClose);
    if (limits.connectTimeout > 0) {
      this.#connectTimer = setTimeout(
        () => this.fail(new SwitchyardError('SY_ERR_UPSTREAM_CONNECT_TIMEOUT', `${limits.label}: connect timed out after ${limits.connectTimeout} ms (timeouts.connect)`)),
        limits.connectTimeout,
      );
    }
  }

  get connected(): boolean {
    return this.#connected;
  }

  get dead(): boolean {
    return this.#dead;
  }

  /** The current request went out on a connection that had served others and got no byte back. */
  get reusedUnanswered(): boolean {
    return this.#served > 0 && !this.#answered;
  }

  /**
   * Starts a request: `user.send` writes it, at once on a connection that is up, else when it is.
   * Responses are expected in order; `method` decides whether one has a body (HEAD's has not).
   */
  start(user: ConnectionUser, method: string): void {
    this.#user = user;
    this.#answered = false;
    this.#headSeen = false;
    this.#quietSince = -1;
    this.#parser.expectResponse(method);
    if (this.#connected) user.send(this.socket);
    else this.#sendOnConnect = true;
  }

  /** The response was read to its end; the connection may carry another request. */
  done(): void {
    this.#user = undefined;
    this.#served++;
    this.#quietSince = -1;
    this.#reuseBefore = this.#reuseWindow === undefined ? Infinity : performance.now() + this.#reuseWindow;
  }

  /** An idle connection the upstream may be closing by now (its Keep-Alive hint): not to be reused. */
  get stale(): boolean {
    return this.#reuseBefore !== Infinity && performance.now() >= this.#reuseBefore;
  }

  /** Stops reading the upstream (the client is slower than it). */
  pause(): void {
    this.#paused = true;
    this.socket.pause();
  }

  resume(): void {
    this.#paused = false;
    this.socket.resume();
  }

  /** Closes the connection; its request, if any, fails with `err`. */
  fail(err: unknown, how: GoneHow = this.#connected ? 'normal' : 'connect-failure'): void {
    if (this.#dead) return;
    this.#dead = true;
    this.#error ??= err;
    this.#how = how;
    clearTimeout(this.#connectTimer);
    const user = this.#user;
    this.#user = undefined;
    this.socket.destroy();
    // The table and the pool learn of it now, not at 'close' (a tick later).
    this.#gone(this, this.#error, how);
    user?.connectionFailed(err);
  }

  /** Closes a connection that carries no request (released as not reusable, idle too long, pool closing). */
  close(): void {
    if (this.#dead) return;
    this.#dead = true;
    clearTimeout(this.#connectTimer);
    this.socket.destroy();
    this.#gone(this, undefined, 'normal');
  }

  /**
   * The pool's sweep, every few milliseconds: a request with no byte either way for its limit
   * (the head within `firstByte`, then no silence longer than `idle`) hangs; an idle connection
   * older than `keepAliveTimeout` closes. A connection paused for a slow client is not silent.
   */
  sweep(now: number): void {
    if (this.#dead || !this.#connected) return;
    if (this.#user === undefined) {
      if (this.#quietSince < 0) this.#quietSince = now;
      else if (now - this.#quietSince >= this.#limits.keepAliveTimeout || now >= this.#reuseBefore) this.close();
      return;
    }
    const activity = this.socket.bytesRead + this.socket.bytesWritten;
    if (this.#quietSince < 0 || this.#paused || activity !== this.#activity) {
      this.#activity = activity;
      this.#quietSince = now;
      return;
    }
    const limit = this.#headSeen ? this.#limits.idleTimeout : this.#limits.firstByteTimeout;
    if (limit > 0 && now - this.#quietSince >= limit) {
      const what = this.#headSeen ? `response body stalled longer than timeouts.idle (${limit} ms)` : `no response head within timeouts.firstByte (${limit} ms)`;
      this.fail(new SwitchyardError('SY_ERR_UPSTREAM_TIMEOUT', `${this.#limits.label}: ${what}`), 'hung');
    }
  }

  // --- socket -----------------------------------------------------------------------------------

  readonly #onConnect = (): void => {
    this.#connected = true;
    clearTimeout(this.#connectTimer);
    this.entry.connected();
    const waiting = this.#sendOnConnect;
    this.#sendOnConnect = false;
    if (waiting) this.#user?.send(this.socket);
  };

  readonly #onData = (chunk: Buffer): void => {
    const user = this.#user;
    if (user === undefined) {
      // RFC 9112 §9.3: bytes between responses belong to no request (the tail of a lying
      // Content-Length, or a response nobody asked for). Nothing after them can be trusted.
      this.fail(new SwitchyardError('SY_ERR_UPSTREAM_PROTOCOL', `${this.#limits.label}: ${chunk.length} bytes arrived while no request was waiting`));
      return;
    }
    this.#answered = true;
    let used: number;
    try {
      used = this.#parser.execute(chunk);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.#tunnel) {
      this.#takeTunnel(user, chunk.subarray(used));
      return;
    }
    if (this.#user === user) user.afterRead();
  };

  readonly #onEnd = (): void => {
    const user = this.#user;
    if (user === undefined) {
      // The upstream closed a kept connection (its keep-alive timeout): not an error.
      this.close();
      return;
    }
    try {
      // Ends a body delimited by the close; throws when the close cuts a response short.
      this.#parser.finish();
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.#user === user) user.afterRead();
    if (this.#user === user) {
      const when = this.#answered ? 'before the response was complete' : 'before any byte of the response';
      this.fail(new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${this.#limits.label}: connection closed ${when}`));
    }
  };

  readonly #onError = (err: Error): void => {
    this.#error ??= err;
  };

  readonly #onClose = (): void => {
    clearTimeout(this.#connectTimer);
    if (!this.#dead) {
      this.#dead = true;
      const user = this.#user;
      this.#user = undefined;
      if (user !== undefined) {
        user.connectionFailed(this.#error ?? new SwitchyardError('SY_ERR_UPSTREAM_RESET', `${this.#limits.label}: connection closed before the response was complete`));
      }
      if (!this.#connected && this.#error !== undefined) this.#how = 'connect-failure';
    }
    this.#gone(this, this.#error, this.#how);
  };

  // --- parser callbacks, passed on to the attempt -------------------------------------------------

  onResponseHead(head: ResponseHead): void {
    if (!head.informational) {
      this.#headSeen = true;
      this.#reuseWindow = reuseWindowMs(head.rawHeaders);
    }
    if (head.bodyKind === 'tunnel') this.#tunnel = true;
    this.#user?.onResponseHead(head);
  }

  onResponseBody(chunk: Buffer): void {
    this.#user?.onResponseBody(chunk);
  }

  onResponseEnd(rawTrailers: readonly string[] | undefined): void {
    this.#user?.onResponseEnd(rawTrailers);
  }

  /** The socket is a tunnel's now: it leaves the pool and the table. */
  #takeTunnel(user: ConnectionUser, rest: Buffer): void {
    this.#dead = true;
    this.#user = undefined;
    this.socket.off('data', this.#onData).off('end', this.#onEnd).off('error', this.#onError).off('close', this.#onClose);
    this.#gone(this, undefined, 'normal');
    user.tunnel(this.socket, Buffer.from(rest));
  }
}
