/**
 * The network cause of a gateway error as a chain link: a connect refused, a reset, a DNS or TLS
 * failure carries node's error (`code`, `syscall`, `address`, `port`) as its `cause`, which is the
 * one thing the hop behind the gateway could not say itself. Errors that are the gateway's own
 * verdict (a timeout, a full queue) have no such cause and no link: the gateway's problem is it.
 */
import type { ChainLink } from '../errors.js';

/** errno codes (ECONNREFUSED, ENOTFOUND, EPIPE) and TLS verdicts; a bug's ERR_* code is not a cause to show. */
const NETWORK_CODE = /^(?:E[A-Z0-9]+|ERR_TLS_\w+|ERR_SSL_\w+|CERT_\w+|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)$/;

export function causeLinks(err: Error): ChainLink[] {
  const cause = err.cause as (Error & NodeJS.ErrnoException & { address?: string; port?: number }) | undefined;
  if (cause === undefined || cause === null || typeof cause !== 'object' || typeof cause.code !== 'string' || !NETWORK_CODE.test(cause.code)) return [];
  const link: Record<string, unknown> = { source: 'network', code: cause.code, detail: String(cause.message ?? cause.code) };
  if (cause.syscall !== undefined) link['syscall'] = cause.syscall;
  if (cause.address !== undefined) link['address'] = cause.address;
  if (cause.port !== undefined) link['port'] = cause.port;
  return [link as ChainLink];
}
