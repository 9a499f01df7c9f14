/**
 * Which side serves a request of a split or rolled-out route. A request falls in one of 10,000
 * buckets, canary when its bucket is below weight x 100:
 * - `X-Switchyard-Canary: always|never` forces a side (and the request is no sample);
 * - sticky cookie: the bucket is kept in a cookie the gateway sets on the first answer. The
 *   cookie holds the bucket rather than the side, so as a rollout's weight grows a client on
 *   the canary stays there and others join it, and after a rollback everyone is on the baseline;
 * - sticky header: the bucket is a hash (FNV-1a) of the header's value, e.g. a user id;
 * - otherwise a fresh draw per request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { SplitConfig } from '../../config/types.js';

export const BUCKETS = 10_000;

export interface Side {
  readonly canary: boolean;
  /** Forced by the request header: not a sample of the split. */
  readonly forced: boolean;
  /** A bucket to keep in the sticky cookie (set on the answer), when the request had none. */
  readonly newBucket: number | undefined;
}

export function pickSide(headers: IncomingHttpHeaders, weight: number, sticky: SplitConfig['sticky'], random: () => number = Math.random): Side {
  const force = headers['x-switchyard-canary'];
  if (force === 'always' || force === 'never') return { canary: force === 'always', forced: true, newBucket: undefined };
  let bucket: number | undefined;
  let newBucket: number | undefined;
  if (sticky?.kind === 'cookie') {
    bucket = cookieBucket(headers.cookie, sticky.name);
    if (bucket === undefined) bucket = newBucket = Math.floor(random() * BUCKETS);
  } else if (sticky?.kind === 'header') {
    const value = headers[sticky.name];
    if (typeof value === 'string') bucket = fnv1a(value) % BUCKETS;
  }
  bucket ??= Math.floor(random() * BUCKETS);
  return { canary: bucket < weight * (BUCKETS / 100), forced: false, newBucket };
}

function cookieBucket(header: string | undefined, name: string): number | undefined {
  if (header === undefined) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    if (/^\d{1,4}$/.test(value)) return Number(value);
  }
  return undefined;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
