/**
 * Wald's sequential probability ratio test for a rate of "bad" events (a 5xx, a response slower
 * than a limit, a shadow mismatch) among n trials: H0 the rate is `pass` (acceptable), H1 it is
 * `fail` (unacceptable). The likelihood ratio L1/L0 is a martingale under H0, so by Ville's
 * inequality it ever reaches 1/alpha with probability at most alpha whenever and however often
 * it is looked at; symmetrically L0/L1 under H1 with beta. That is what makes a verdict taken at
 * every analysis interval valid (a fixed-sample test repeated each interval is not). Written
 * here because it is a dozen lines; the thresholds and their measured rates are in docs/delivery.md.
 */

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** Chance of failing a canary whose rate is at most `pass` (a needless rollback). */
export const ALPHA = 0.05;
/** Chance of passing a canary whose rate is at least `fail`. */
export const BETA = 0.05;

export interface RateTest {
  /** The acceptable rate (H0). */
  readonly pass: number;
  /** The unacceptable rate (H1), above `pass`. */
  readonly fail: number;
}

/** Log of the likelihood ratio (fail over pass) after `events` bad events among `n` trials. */
export function logLikelihoodRatio(events: number, n: number, test: RateTest): number {
  const p0 = clamp(test.pass);
  const p1 = clamp(test.fail);
  return events * Math.log(p1 / p0) + (n - events) * Math.log((1 - p1) / (1 - p0));
}

export function sprtVerdict(events: number, n: number, test: RateTest): Verdict {
  if (n <= 0 || !(test.fail > test.pass)) return 'inconclusive';
  const llr = logLikelihoodRatio(events, n, test);
  if (llr >= Math.log(1 / ALPHA)) return 'fail';
  if (llr <= Math.log(BETA)) return 'pass';
  return 'inconclusive';
}

// Rates of exactly 0 or 1 would make one event decide everything.
function clamp(p: number): number {
  return Math.min(1 - 1e-9, Math.max(1e-9, p));
}
