/**
 * Space-Saving (Metwally, Agrawal, El Abbadi, "Efficient computation of frequent and top-k
 * elements in data streams", ICDT 2005): at most `capacity` counters; a key without one takes
 * the smallest counter over, inheriting its count as the key's possible overcount (`error`). Any
 * key seen more than total / capacity times holds a counter, and its count is at most `error`
 * above the truth. Used by stats.ts for the keys of a table that arrive once the table holds
 * `--max-keys` keys, so memory stays bounded on logs with millions of distinct paths or clients.
 * A min-heap finds the smallest counter in O(log capacity).
 */
export interface SketchEntry {
  readonly key: string;
  count: number;
  /** How much of `count` may belong to the keys it replaced. */
  error: number;
  /** A side total (a path's bytes), counted while the key holds its counter. */
  extra: number;
  /** Position in the heap. */
  at: number;
}

/** Plain data for postMessage. */
export interface SketchSnapshot {
  readonly keys: readonly string[];
  /** count, error, extra per key. */
  readonly values: Float64Array;
}

export class SpaceSaving {
  readonly #capacity: number;
  readonly #byKey = new Map<string, SketchEntry>();
  readonly #heap: SketchEntry[] = [];

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  get size(): number {
    return this.#heap.length;
  }

  add(key: string, by: number, extra = 0, error = 0): void {
    let e = this.#byKey.get(key);
    if (e === undefined) {
      if (this.#heap.length < this.#capacity) {
        e = { key, count: 0, error, extra: 0, at: this.#heap.length };
        this.#heap.push(e);
      } else {
        const min = this.#heap[0] as SketchEntry;
        this.#byKey.delete(min.key);
        e = { key, count: min.count, error: min.count + error, extra: 0, at: 0 };
        this.#heap[0] = e;
      }
      this.#byKey.set(key, e);
    } else {
      e.error += error;
    }
    e.count += by;
    e.extra += extra;
    this.#down(e.at);
  }

  entries(): readonly SketchEntry[] {
    return this.#heap;
  }

  snapshot(): SketchSnapshot {
    const values = new Float64Array(this.#heap.length * 3);
    this.#heap.forEach((e, i) => values.set([e.count, e.error, e.extra], i * 3));
    return { keys: this.#heap.map((e) => e.key), values };
  }

  /** Adds another thread's sketch (the mergeable form: counts and errors add). */
  merge(s: SketchSnapshot): void {
    s.keys.forEach((k, i) => this.add(k, s.values[i * 3] as number, s.values[i * 3 + 2] as number, s.values[i * 3 + 1] as number));
  }

  /** Restores the heap below `i` after its count grew. */
  #down(i: number): void {
    const heap = this.#heap;
    const e = heap[i] as SketchEntry;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const c = r < heap.length && (heap[r] as SketchEntry).count < (heap[l] as SketchEntry).count ? r : l;
      const child = heap[c] as SketchEntry;
      if (child.count >= e.count) break;
      heap[i] = child;
      child.at = i;
      i = c;
    }
    heap[i] = e;
    e.at = i;
  }
}
