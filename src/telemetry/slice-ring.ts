/**
 * A ring of fixed time slices covering the last `keep` milliseconds, one value per slice. The
 * slot of a slice is reused when time comes round to it again, so memory is bounded by
 * `keep / slice` values whatever the traffic. The heatmaps and the slow-request list each keep
 * their slices in one.
 */

export class SliceRing<T> {
  readonly sliceMs: number;
  readonly #slots: { index: number; value: T }[];
  readonly #reset: (old: T) => T;

  /** `reset` empties a reused slot's value (or returns a fresh one). */
  constructor(sliceMs: number, keepMs: number, make: () => T, reset: (old: T) => T) {
    this.sliceMs = sliceMs;
    this.#reset = reset;
    const n = Math.max(1, Math.ceil(keepMs / sliceMs));
    this.#slots = Array.from({ length: n }, () => ({ index: -1, value: make() }));
  }

  /** Number of the slice holding `atMs`. */
  indexOf(atMs: number): number {
    return Math.floor(atMs / this.sliceMs);
  }

  /** Number of the oldest slice still held when `now` is in the newest. */
  oldestIndex(now: number): number {
    return this.indexOf(now) - this.#slots.length + 1;
  }

  /** The value of the slice holding `atMs`, reset first if its slot held an older slice. */
  at(atMs: number): T {
    const index = this.indexOf(atMs);
    const slot = this.#slots[index % this.#slots.length] as { index: number; value: T };
    if (slot.index !== index) {
      slot.index = index;
      slot.value = this.#reset(slot.value);
    }
    return slot.value;
  }

  /** The value of slice `index`, when its slot still holds that slice. */
  get(index: number): T | undefined {
    const slot = this.#slots[index % this.#slots.length];
    return slot !== undefined && slot.index === index ? slot.value : undefined;
  }

  /** Every slot's value, stale or not: for callers that filter by what the values hold. */
  *values(): IterableIterator<T> {
    for (const slot of this.#slots) yield slot.value;
  }
}
