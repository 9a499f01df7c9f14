/**
 * The first bytes of a new connection on a listener that also speaks HTTP/2: a connection
 * opening with the HTTP/2 preface (RFC 9113 §3.4, "prior knowledge", which gRPC clients use on
 * cleartext) goes to the HTTP/2 server, any other to the HTTP/1.1 codec. The bytes read to decide
 * are pushed back, so either side sees the connection from its start. Done once per connection,
 * before any request: the HTTP/1 path pays nothing per request. While it waits, the connection
 * is under the listener's sweep like any other: no byte within `timeouts.headers` closes it.
 */
import type { Socket } from 'node:net';
import { HTTP2_PREFACE } from './http2-session-server.js';

export class FirstBytes {
  readonly socket: Socket;
  readonly #since = performance.now();
  readonly #timeout: number;
  #seen: Buffer | undefined;

  /** `decide` gets the socket once its protocol is known, with the first bytes unread again. */
  constructor(socket: Socket, timeout: number, decide: (socket: Socket, http2: boolean) => void) {
    this.socket = socket;
    this.#timeout = timeout;
    const ignore = (): void => undefined;
    // Until a protocol owns the socket, a reset must not be an unhandled error.
    socket.on('error', ignore);
    const onReadable = (): void => {
      const chunk = socket.read() as Buffer | null;
      if (chunk === null) return;
      const seen = this.#seen === undefined ? chunk : Buffer.concat([this.#seen, chunk]);
      const n = Math.min(seen.length, HTTP2_PREFACE.length);
      const matches = seen.subarray(0, n).equals(HTTP2_PREFACE.subarray(0, n));
      if (matches && seen.length < HTTP2_PREFACE.length) {
        this.#seen = seen;
        return;
      }
      socket.off('readable', onReadable);
      socket.off('error', ignore);
      socket.unshift(seen);
      decide(socket, matches);
    };
    socket.on('readable', onReadable);
  }

  checkDeadlines(now: number): void {
    if (now - this.#since > this.#timeout) this.socket.destroy();
  }

  /** Nothing is in progress yet: closing is safe. */
  close(): void {
    this.socket.destroy();
  }
}
