/**
 * Kernel TCP events into the http clusters' outlier detection: a retransmit on a connection to
 * an endpoint counts against that endpoint (OutlierDetector.recordRetransmit). The endpoint is
 * found by port, and by address when its URL names an IP; an endpoint named by host name is
 * matched by port alone, since the sensor sees addresses, not names. TCP state changes are
 * listed only: connect failures and resets the gateway already records from its own sockets.
 */
import { isIP } from 'node:net';
import type { Gateway } from '../gateway/gateway.js';
import type { HttpUpstream } from '../upstream/http/http-upstream.js';
import type { SenseEvent } from './event.js';

export function feedClusters(gateway: Pick<Gateway, 'runtime'>): (event: SenseEvent) => void {
  return (event) => {
    if (event.kind !== 'retransmit' || event.port === null) return;
    for (const upstream of gateway.runtime.upstreams.values()) {
      if (upstream.type !== 'http') continue;
      const { cluster } = upstream as HttpUpstream;
      for (const endpoint of cluster.endpoints) if (isEndpoint(endpoint.url, event.address, event.port)) cluster.outliers.recordRetransmit(endpoint);
    }
  };
}

/** Whether a connection to `address:port` is one to the endpoint at `url`. */
export function isEndpoint(url: string, address: string | null, port: number): boolean {
  const parsed = new URL(url);
  const endpointPort = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);
  if (endpointPort !== port) return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0 || address === null) return true;
  // The kernel shows an IPv4 peer of an IPv6 socket as ::ffff:a.b.c.d.
  const peer = address.toLowerCase().replace(/^::ffff:(?=\d+\.)/, '');
  return peer === host.toLowerCase();
}
