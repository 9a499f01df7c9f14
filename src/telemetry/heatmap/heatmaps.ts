/**
 * The heatmaps of a gateway: one ring per route and one per upstream, fed by request ends.
 * Keys come from the configuration (route names or paths, upstream names), so their number is
 * bounded; requests no route matched share one key.
 */
import { HeatmapRing } from './heatmap-ring.js';

export type HeatmapKind = 'route' | 'upstream';

/** Route key used for requests that matched no route (404, 405, limits). */
export const UNMATCHED_ROUTE = '(unmatched)';

export class Heatmaps {
  readonly sliceMs: number;
  readonly keepMs: number;
  readonly #rings = { route: new Map<string, HeatmapRing>(), upstream: new Map<string, HeatmapRing>() };

  constructor(sliceMs: number, keepMs: number) {
    this.sliceMs = sliceMs;
    this.keepMs = keepMs;
  }

  record(kind: HeatmapKind, key: string, atMs: number, micros: number): void {
    const rings = this.#rings[kind];
    let ring = rings.get(key);
    if (ring === undefined) {
      ring = new HeatmapRing(this.sliceMs, this.keepMs);
      rings.set(key, ring);
    }
    ring.record(atMs, micros);
  }

  get(kind: HeatmapKind, key: string): HeatmapRing | undefined {
    return this.#rings[kind].get(key);
  }

  keys(kind: HeatmapKind): string[] {
    return [...this.#rings[kind].keys()].sort();
  }
}
