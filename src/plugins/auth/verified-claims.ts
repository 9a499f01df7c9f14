/**
 * The claims of a token the `jwt` middleware verified for a request, kept beside the exchange
 * for middleware later in the chain (a rate limit keyed by `claim:sub`). Weakly held: gone with
 * the request.
 */
import type { Exchange } from '../../listener/exchange.js';

const verified = new WeakMap<Exchange, Readonly<Record<string, unknown>>>();

export function setVerifiedClaims(exchange: Exchange, claims: Readonly<Record<string, unknown>>): void {
  verified.set(exchange, claims);
}

export function verifiedClaims(exchange: Exchange): Readonly<Record<string, unknown>> | undefined {
  return verified.get(exchange);
}
