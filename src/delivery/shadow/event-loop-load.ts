/**
 * How busy this process's event loop has been lately, so the shadow gives way to clients: its
 * copies are extra work on the same loop, and when the loop is near saturation every copy made
 * is client throughput lost. Measured with node's event-loop utilisation over windows of
 * WINDOW_MS, refreshed on the call that finds the window over (no timer of its own), and
 * smoothed over the last few windows: on a machine shared with the application a saturated
 * loop still has calm windows now and then (a fifth of them in bench:shadow), and every request
 * of a calm window would be copied.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

const WINDOW_MS = 100;
/** The weight of the newest window in the smoothed figure (about the last 400 ms count). */
const NEWEST = 0.25;

export class EventLoopLoad {
  #last: EventLoopUtilization = performance.eventLoopUtilization();
  #lastAt = performance.now();
  #utilization = 0;

  /** The share of the last few windows the loop spent working, 0..1, the newest weighing most. */
  utilization(): number {
    const now = performance.now();
    if (now - this.#lastAt >= WINDOW_MS) {
      const current = performance.eventLoopUtilization();
      const newest = performance.eventLoopUtilization(current, this.#last).utilization;
      this.#utilization += NEWEST * (newest - this.#utilization);
      this.#last = current;
      this.#lastAt = now;
    }
    return this.#utilization;
  }
}

/** One per process: every route's shadow reads the same loop. */
export const eventLoopLoad = new EventLoopLoad();
