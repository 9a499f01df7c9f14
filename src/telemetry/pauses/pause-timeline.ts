/**
 * The shared timeline of things that make requests slow without being requests: gateway GC
 * pauses and event-loop stalls, php-fpm saturation, php-fpm slowlog entries. Every source writes
 * intervals in epoch milliseconds; the correlation report lines them up against slow requests.
 * A fixed-size ring: the oldest events fall out first, so memory is bounded.
 */

export type PauseKind = 'gc' | 'event-loop-stall' | 'fpm-saturated' | 'fpm-slowlog';

export interface PauseEvent {
  readonly kind: PauseKind;
  /** Epoch ms. */
  readonly start: number;
  readonly end: number;
  /** Where it happened: `gateway`, or the upstream's name. */
  readonly source: string;
  readonly detail?: string;
}

export class PauseTimeline {
  readonly #ring: (PauseEvent | undefined)[];
  #next = 0;

  constructor(capacity = 8192) {
    this.#ring = new Array<PauseEvent | undefined>(capacity).fill(undefined);
  }

  add(event: PauseEvent): void {
    this.#ring[this.#next] = event;
    this.#next = (this.#next + 1) % this.#ring.length;
  }

  /** Events overlapping [from, to], oldest first. */
  between(from: number, to: number): PauseEvent[] {
    const out: PauseEvent[] = [];
    for (let i = 0; i < this.#ring.length; i++) {
      const e = this.#ring[(this.#next + i) % this.#ring.length];
      if (e !== undefined && e.start <= to && e.end >= from) out.push(e);
    }
    return out;
  }
}

/** performance.timeOrigin is a getter that makes a new number on every read; it never changes. */
const TIME_ORIGIN = performance.timeOrigin;

/** Wall-clock ms with sub-ms precision, on the same clock as request times. */
export function nowMs(): number {
  return TIME_ORIGIN + performance.now();
}
