/**
 * The TLS name rule for an upstream's endpoints, and undici's connector (connect timeout,
 * keep-alive, no Nagle) with the upstream's TLS settings for the health checks, which still go
 * through undici (the data path opens its sockets in src/upstream/http/connect.ts). The name sent
 * as SNI and checked in the certificate is `tls.serverName`, else the endpoint's own host name,
 * never the client's Host header: one upstream connection serves clients whatever Host they
 * send, as Envoy's cluster-level SNI does. For an IP address no SNI is sent (RFC 6066) and the
 * certificate must list the address.
 */
import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import type { HttpTlsConfig } from '../config/types.js';

/** The name to send as SNI and check in the certificate; an IP address means no SNI. */
export function serverNameFor(tls: HttpTlsConfig, hostname: string): string {
  return tls.serverName ?? hostname.replace(/^\[(.*)\]$/, '$1');
}

export function endpointConnector(tls: HttpTlsConfig, connectTimeout: number): buildConnector.connector {
  const connect = buildConnector({
    timeout: connectTimeout,
    keepAlive: true,
    noDelay: true,
    rejectUnauthorized: tls.verify,
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
  });
  return ({ servername: _fromHostHeader, ...options }, callback) => {
    const name = serverNameFor(tls, options.hostname);
    connect(isIP(name) === 0 ? { ...options, servername: name } : options, callback);
  };
}
