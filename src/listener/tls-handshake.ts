/**
 * The TLS handshake of a new connection on a TLS listener, before any protocol owns it: the
 * server side of node:tls wrapped around the accepted TCP socket, ALPN offering h2 then
 * http/1.1. Once the handshake is done, `decide` gets the TLS socket and whether ALPN chose h2
 * (no ALPN is HTTP/1.1). While it runs the connection is under the listener's sweep like a new
 * plain one: a client that does not finish the handshake within `timeouts.headers` is closed
 * (slow-loris). A failed handshake (a plain-HTTP request on the TLS port, a version below the
 * minimum, a client that does not trust the certificate) closes the connection and is reported
 * to `onError`, never thrown. Written on TLSSocket rather than tls.Server so the pending
 * handshake is one more member of the listener's sweep, closed on stop like any connection.
 */
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';

export const ALPN_PROTOCOLS = ['h2', 'http/1.1'];

export class TlsHandshake {
  readonly socket: Socket;
  readonly #since = performance.now();
  readonly #timeout: number;

  constructor(
    socket: Socket,
    options: { readonly secureContext: SecureContext; readonly ALPNProtocols: readonly string[]; readonly timeout: number },
    decide: (socket: TLSSocket, http2: boolean) => void,
    onError: (err: Error) => void,
  ) {
    this.#timeout = options.timeout;
    const tls = new TLSSocket(socket, {
      isServer: true,
      secureContext: options.secureContext,
      ALPNProtocols: [...options.ALPNProtocols],
    });
    this.socket = tls;
    // The TCP socket's own errors surface on the TLS socket; an early reset must not be unhandled.
    socket.on('error', () => undefined);
    const failed = (err: Error): void => {
      onError(err);
      tls.destroy();
    };
    tls.on('error', failed);
    tls.once('secure', () => {
      tls.off('error', failed);
      // node:tls's own server clears this when it hands a socket on; node:http2 waits for a
      // 'secureConnect' (which only a client emits) while it is set.
      (tls as TLSSocket & { secureConnecting: boolean }).secureConnecting = false;
      decide(tls, tls.alpnProtocol === 'h2');
    });
  }

  checkDeadlines(now: number): void {
    if (now - this.#since > this.#timeout) this.socket.destroy();
  }

  /** Nothing is in progress yet: closing is safe. */
  close(): void {
    this.socket.destroy();
  }
}
