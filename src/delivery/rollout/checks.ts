/**
 * The analysis checks of a rollout, each judged on the samples of the current step (docs/delivery.md):
 * - errorRate: canary 5xx rate; SPRT of "baseline rate + maxIncrease" (pass) against
 *   "baseline rate + 2 x maxIncrease" (fail), the baseline's rate read from the same step.
 * - latencyP99: share of canary responses slower than maxRatio x the baseline's p99; the canary's
 *   p99 is within the ratio exactly when that share is at most 1%: SPRT of 1% (pass) against
 *   2% (fail).
 * - shadowMismatch: share of shadow comparisons that differ; SPRT of `max` against 2 x `max`.
 * - prometheus: one PromQL reading against max/min (prometheus.ts).
 * Too few samples is inconclusive: the SPRT has not crossed a bound, or the baseline has too
 * few responses to give a rate or a p99.
 */
import type { AnalysisCheck } from '../../config/types.js';
import { countAbove, quantile } from './latency-histogram.js';
import { sprtVerdict, type Verdict } from './sprt.js';
import type { StepSamples } from './samples.js';

export interface CheckOutcome {
  readonly metric: AnalysisCheck['metric'];
  readonly verdict: Verdict;
  /** The canary's value (rate, p99 in ms, mismatch rate, query value); null when unknown. */
  readonly canary: number | null;
  /** The baseline's value where there is one. */
  readonly baseline: number | null;
  readonly threshold: number;
}

/** How far above the tolerated rate the fail hypothesis sits. */
export const FAIL_FACTOR = 2;
/** Baseline responses needed before its 5xx rate is used. */
export const MIN_BASELINE_FOR_RATE = 50;
/** Baseline responses needed before its p99 is used (a p99 of fewer is its maximum). */
export const MIN_BASELINE_FOR_P99 = 200;

export function errorRateCheck(samples: StepSamples, maxIncrease: number): CheckOutcome {
  const { canary, baseline } = samples;
  const base = baseline.n === 0 ? null : baseline.errors / baseline.n;
  const outcome = { metric: 'errorRate', canary: canary.n === 0 ? null : canary.errors / canary.n, baseline: base, threshold: maxIncrease } as const;
  if (base === null || baseline.n < MIN_BASELINE_FOR_RATE) return { ...outcome, verdict: 'inconclusive' };
  const pass = base + maxIncrease;
  return { ...outcome, verdict: pass >= 1 ? 'inconclusive' : sprtVerdict(canary.errors, canary.n, { pass, fail: Math.min(1, base + FAIL_FACTOR * maxIncrease) }) };
}

export function latencyCheck(samples: StepSamples, maxRatio: number): CheckOutcome {
  const { canary, baseline } = samples;
  const p99 = quantile(baseline.latency, 0.99) ?? null;
  const outcome = { metric: 'latencyP99', canary: quantile(canary.latency, 0.99) ?? null, baseline: p99, threshold: maxRatio } as const;
  if (p99 === null || baseline.n < MIN_BASELINE_FOR_P99) return { ...outcome, verdict: 'inconclusive' };
  const slow = countAbove(canary.latency, maxRatio * p99);
  return { ...outcome, verdict: sprtVerdict(slow, canary.n, { pass: 0.01, fail: 0.01 * FAIL_FACTOR }) };
}

export function shadowMismatchCheck(samples: StepSamples, max: number): CheckOutcome {
  const { compared, mismatched } = samples.shadow;
  const outcome = { metric: 'shadowMismatch', canary: compared === 0 ? null : mismatched / compared, baseline: null, threshold: max } as const;
  return { ...outcome, verdict: sprtVerdict(mismatched, compared, { pass: max, fail: Math.min(1, max * FAIL_FACTOR) }) };
}
