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
    options: { readonly secureContext: SecureContext; readonly ALPNProtocols: readonly string[]; readonly requestCert: boolean; readonly timeout: number },
    decide: (socket: TLSSocket, http2: boolean) => void,
    onError: (err: Error) => void,
  ) {
    this.#timeout = options.timeout;
    const tls = new TLSSocket(socket, {
      isServer: true,
      secureContext: options.secureContext,
      ALPNProtocols: [...options.ALPNProtocols],
      // With a client CA: a client without a certificate fails the handshake in OpenSSL; one whose
      // certificate does not chain to the CA is refused below.
      requestCert: options.requestCert,
      rejectUnauthorized: options.requestCert,
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
      if (options.requestCert) {
        const refused = clientCertificateError(tls);
        if (refused !== undefined) return failed(new Error(`client certificate refused: ${refused}`));
      }
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

/**
 * Why the client's certificate does not verify against the listener's CA, or undefined when it
 * does. node:tls's own server makes this check after the handshake (OpenSSL is told to accept
 * any certificate and record the verdict); a TLSSocket made by hand must make it itself, from the
 * same verdict. Without a way to read it, the certificate is refused.
 */
function clientCertificateError(tls: TLSSocket): string | undefined {
  const handle = (tls as TLSSocket & { _handle?: { verifyError?: () => (Error & { code?: string }) | null | undefined } })._handle;
  if (typeof handle?.verifyError !== 'function') return 'cannot be verified';
  const error = handle.verifyError();
  return error === null || error === undefined ? undefined : (error.code ?? error.message);
}
