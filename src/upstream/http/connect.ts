/**
 * Opens the socket of one upstream connection: TCP for http:// endpoints, TLS with the upstream's
 * `tls` settings (extra CA, server name, verify) for https://. No Nagle (a request head is one
 * write and waits for nothing), TCP keep-alive probes after a minute idle, as undici's connector
 * did. The name rule (SNI and certificate check) is the cluster's, shared with the health checks.
 */
import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { HttpTlsConfig } from '../../config/types.js';
import { serverNameFor } from '../../cluster/tls-connector.js';

export interface EndpointAddress {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  /** `host:port` as a Host header names the endpoint. */
  readonly authority: string;
}

export function endpointAddress(url: string): EndpointAddress {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  return { host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(u.port) || (secure ? 443 : 80), secure, authority: u.host };
}

/**
 * A socket on its way to `address`. It is up at 'connect' (TCP) or 'secureConnect' (TLS, after the
 * certificate was checked); `readyEvent` names the one to wait for.
 */
export function openSocket(address: EndpointAddress, tls: HttpTlsConfig): Socket {
  let socket: Socket;
  if (!address.secure) {
    socket = tcpConnect({ host: address.host, port: address.port });
  } else {
    const name = serverNameFor(tls, address.host);
    socket = tlsConnect({
      host: address.host,
      port: address.port,
      // RFC 6066 §3: no SNI for an address; node then checks the certificate against `host`.
      ...(isIP(name) === 0 ? { servername: name } : {}),
      rejectUnauthorized: tls.verify,
      ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    });
  }
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  return socket;
}

export function readyEvent(address: EndpointAddress): 'connect' | 'secureConnect' {
  return address.secure ? 'secureConnect' : 'connect';
}
