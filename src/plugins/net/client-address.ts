/**
 * The client's address as the plugins key and restrict by it: the connection's peer, unless that
 * peer is a configured trusted proxy, in which case `X-Forwarded-For` is walked from the right
 * (the hop nearest to us first) past every trusted proxy, and the first address that is not one is
 * the client (as nginx's real_ip_recursive on). A forwarded value that is not an address stops the
 * walk at the last trusted hop: a client cannot name itself by sending a garbage header.
 */
import { isIP } from 'node:net';
import type { Exchange } from '../../listener/exchange.js';
import { unmapped, type AddressSet } from './address-set.js';

export function clientAddress(exchange: Exchange, trusted: AddressSet | undefined): string {
  const peer = unmapped(exchange.remoteAddress);
  if (trusted === undefined || trusted.size === 0 || !trusted.has(peer)) return peer;
  const header = exchange.req.headers['x-forwarded-for'];
  if (header === undefined) return peer;
  const hops = (Array.isArray(header) ? header.join(',') : header).split(',');
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = unmapped((hops[i] as string).trim());
    if (isIP(hop) === 0) return client;
    client = hop;
    if (!trusted.has(hop)) return hop;
  }
  return client;
}
