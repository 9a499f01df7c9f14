/**
 * What a rate limit counts by, from its `key` option: `ip` (the client address, see
 * net/client-address.ts), `route` (one bucket per route for everyone), `header:<name>` (an API key
 * header, a tenant id) or `claim:<name>` (a claim of the token a `jwt` middleware earlier in the
 * chain verified). A request without that header or claim is counted by its address instead, so
 * leaving it out does not escape the limit. A value longer than LONG is counted by its SHA-256, so
 * a client cannot make the keys (in memory, in Redis) as large as a header may be.
 */
import { createHash } from 'node:crypto';
import type { Exchange } from '../../listener/exchange.js';
import { clientAddress } from '../net/client-address.js';
import type { AddressSet } from '../net/address-set.js';
import { verifiedClaims } from '../auth/verified-claims.js';

export type KeyOf = (exchange: Exchange) => string;

export const KEY_SYNTAX = /^(ip|route|header:[!#$%&'*+.^_`|~0-9A-Za-z-]+|claim:.+)$/;

export function keyOf(key: string, trusted: AddressSet | undefined): KeyOf {
  const byIp = (exchange: Exchange) => `ip:${clientAddress(exchange, trusted)}`;
  if (key === 'ip') return byIp;
  if (key === 'route') return (exchange) => `route:${exchange.match?.route.name ?? exchange.match?.route.path ?? exchange.path}`;
  if (key.startsWith('header:')) {
    const name = key.slice('header:'.length).toLowerCase();
    return (exchange) => {
      const value = exchange.req.headers[name];
      const text = Array.isArray(value) ? value.join(',') : value;
      return text === undefined || text === '' ? byIp(exchange) : `header:${bounded(text)}`;
    };
  }
  const claim = key.slice('claim:'.length);
  return (exchange) => {
    const value = verifiedClaims(exchange)?.[claim];
    return typeof value === 'string' || typeof value === 'number' ? `claim:${bounded(String(value))}` : byIp(exchange);
  };
}

const LONG = 128;

function bounded(value: string): string {
  return value.length <= LONG ? value : `sha256:${createHash('sha256').update(value).digest('base64url')}`;
}
