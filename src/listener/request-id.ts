/**
 * Request ids: a client's `X-Request-Id` is kept when it looks like an id (so a trace started by a
 * load balancer in front of us continues), otherwise a new random one is made. The id goes into
 * the access log, every problem+json, the response, and on to the upstream.
 */
import { randomBytes } from 'node:crypto';

const VALID = /^[A-Za-z0-9._:@/+=-]{8,128}$/;

// 16 random bytes per request is the cost of a syscall each; take them in batches instead.
let pool = Buffer.alloc(0);
let offset = 0;

export function requestIdFrom(header: string | string[] | undefined): string {
  if (typeof header === 'string' && VALID.test(header)) return header;
  if (offset + 16 > pool.length) {
    pool = randomBytes(16 * 256);
    offset = 0;
  }
  offset += 16;
  return pool.toString('hex', offset - 16, offset);
}
