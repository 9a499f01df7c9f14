/**
 * One heatmap: a ring of time slices, each a LatencyHistogram. A slot is reused when time comes
 * round to it again, so memory is bounded by `keep / slice` slots times the bucket count (about
 * 900 buckets cover 1 µs to 36 minutes) whatever the traffic. A slice is compacted when
 * recording moves on to the next one, so only the newest holds a map.
 */
import { SliceRing } from '../slice-ring.js';
import { LatencyHistogram } from './log-linear-histogram.js';

export interface HeatmapSlice {
  /** Start of the slice, epoch ms. */
  readonly start: number;
  readonly histogram: LatencyHistogram;
}

export class HeatmapRing {
  readonly sliceMs: number;
  readonly #ring: SliceRing<LatencyHistogram>;
  /** The slice last recorded into. */
  #current: LatencyHistogram | undefined;

  constructor(sliceMs: number, keepMs: number) {
    this.sliceMs = sliceMs;
    this.#ring = new SliceRing(sliceMs, keepMs, () => new LatencyHistogram(), (h) => {
      h.clear();
      return h;
    });
  }

  /** Oldest time (epoch ms) still held, relative to `now`. */
  oldest(now: number): number {
    return this.#ring.oldestIndex(now) * this.sliceMs;
  }

  record(atMs: number, micros: number): void {
    const histogram = this.#ring.at(atMs);
    if (histogram !== this.#current) {
      this.#current?.compact();
      this.#current = histogram;
    }
    histogram.record(micros);
  }

  /** Non-empty slices overlapping [from, to), oldest first. */
  slices(from: number, to: number, now: number): HeatmapSlice[] {
    const first = Math.max(this.#ring.indexOf(from), this.#ring.oldestIndex(now));
    const last = Math.min(Math.ceil(to / this.sliceMs) - 1, this.#ring.indexOf(now));
    const out: HeatmapSlice[] = [];
    for (let i = first; i <= last; i++) {
      const histogram = this.#ring.get(i);
      if (histogram !== undefined && histogram.total > 0) out.push({ start: i * this.sliceMs, histogram });
    }
    return out;
  }
}
