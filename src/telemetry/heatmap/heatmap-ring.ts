/**
 * One heatmap: a ring of time slices, each a LatencyHistogram. A slot is reused when time comes
 * round to it again, so memory is bounded by `keep / slice` slots times the bucket count (about
 * 900 buckets cover 1 µs to 36 minutes) whatever the traffic.
 */
import { LatencyHistogram } from './log-linear-histogram.js';

export interface HeatmapSlice {
  /** Start of the slice, epoch ms. */
  readonly start: number;
  readonly histogram: LatencyHistogram;
}

export class HeatmapRing {
  readonly sliceMs: number;
  readonly #slots: { index: number; histogram: LatencyHistogram }[];

  constructor(sliceMs: number, keepMs: number) {
    this.sliceMs = sliceMs;
    const n = Math.max(1, Math.ceil(keepMs / sliceMs));
    this.#slots = Array.from({ length: n }, () => ({ index: -1, histogram: new LatencyHistogram() }));
  }

  /** Oldest time (epoch ms) still held, relative to `now`. */
  oldest(now: number): number {
    return (Math.floor(now / this.sliceMs) - this.#slots.length + 1) * this.sliceMs;
  }

  record(atMs: number, micros: number): void {
    const index = Math.floor(atMs / this.sliceMs);
    const slot = this.#slots[index % this.#slots.length] as { index: number; histogram: LatencyHistogram };
    if (slot.index !== index) {
      slot.index = index;
      slot.histogram.clear();
    }
    slot.histogram.record(micros);
  }

  /** Non-empty slices overlapping [from, to), oldest first. */
  slices(from: number, to: number, now: number): HeatmapSlice[] {
    const first = Math.max(Math.floor(from / this.sliceMs), Math.floor(now / this.sliceMs) - this.#slots.length + 1);
    const last = Math.min(Math.ceil(to / this.sliceMs) - 1, Math.floor(now / this.sliceMs));
    const out: HeatmapSlice[] = [];
    for (let i = first; i <= last; i++) {
      const slot = this.#slots[i % this.#slots.length];
      if (slot !== undefined && slot.index === i && slot.histogram.total > 0) out.push({ start: i * this.sliceMs, histogram: slot.histogram });
    }
    return out;
  }
}
