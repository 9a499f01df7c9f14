/**
 * Consistent hashing on a ring (Envoy RING_HASH, Karger et al.): each endpoint owns
 * `weight x 100` points on a 32-bit ring; a request's key hashes to a point and goes to the
 * first endpoint clockwise that is a candidate. Losing an endpoint moves only its own keys.
 * Hash: the first 32 bits of MD5, spread well enough for placement and the same for keys.
 */
import { createHash } from 'node:crypto';
import type { Balancer, PickContext } from './balancer.js';
import type { Endpoint } from './endpoint.js';

const POINTS_PER_WEIGHT = 100;

function hash32(text: string): number {
  return createHash('md5').update(text).digest().readUInt32BE(0);
}

export class RingHash implements Balancer {
  readonly #points: Uint32Array;
  readonly #owners: Endpoint[];

  constructor(all: readonly Endpoint[]) {
    const entries: [number, Endpoint][] = [];
    for (const e of all) for (let i = 0; i < e.weight * POINTS_PER_WEIGHT; i++) entries.push([hash32(`${e.url}#${i}`), e]);
    entries.sort((a, b) => a[0] - b[0]);
    this.#points = Uint32Array.from(entries.map((x) => x[0]));
    this.#owners = entries.map((x) => x[1]);
  }

  pick(candidates: readonly Endpoint[], context: PickContext): Endpoint {
    if (context.hashKey === undefined) return candidates[Math.floor(Math.random() * candidates.length)] as Endpoint;
    const allowed = new Set(candidates);
    const start = this.#lowerBound(hash32(context.hashKey));
    const n = this.#owners.length;
    for (let step = 0; step < n; step++) {
      const owner = this.#owners[(start + step) % n] as Endpoint;
      if (allowed.has(owner)) return owner;
    }
    return candidates[0] as Endpoint;
  }

  #lowerBound(h: number): number {
    let lo = 0;
    let hi = this.#points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.#points[mid] as number) < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.#points.length ? 0 : lo;
  }
}
