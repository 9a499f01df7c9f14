/**
 * The contract between a route's shadow (copies of baseline-served requests sent to a target and
 * compared) and the rest of delivery: the split/rollout side wraps its baseline with the tap, and
 * the rollout's `shadowMismatch` check reads the tap's counts. Kept apart from both so neither
 * imports the other.
 */
import type { Exchange } from '../listener/exchange.js';

/** Comparisons made so far in this process (timeouts and target failures are not comparisons). */
export interface ShadowCounts {
  readonly compared: number;
  readonly mismatched: number;
}

export interface ShadowTap {
  /**
   * Wraps how the baseline serves a request: the client gets exactly the baseline's answer, as
   * fast as without the tap; a sampled copy goes to the target, fire-and-forget, and is compared.
   */
  wrap(serveBaseline: (exchange: Exchange) => Promise<void>): (exchange: Exchange) => Promise<void>;
  /** Cumulative counts in this process, for the rollout's shadowMismatch check. */
  counts(): ShadowCounts;
  /** Stops sending copies and forgets in-flight ones (config reload, shutdown). */
  close(): void;
}
