/** The ring_hash key of a request: a header's value, a cookie's value, or the client address. */
import type { IncomingHttpHeaders } from 'node:http';
import type { HashOn } from '../config/types.js';

export function hashKey(hashOn: HashOn, req: { readonly headers: IncomingHttpHeaders }, remoteAddress: string): string | undefined {
  if (hashOn.kind === 'ip') return remoteAddress;
  if (hashOn.kind === 'header') {
    const value = req.headers[hashOn.name];
    return Array.isArray(value) ? value.join(',') : value;
  }
  const cookie = req.headers.cookie;
  if (cookie === undefined) return undefined;
  // RFC 6265 §4.2.1: cookie-pair *( "; " cookie-pair ).
  for (const pair of cookie.split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === hashOn.name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
