// The rollout's sequential tests checked by simulation (docs/delivery.md quotes these figures):
// thousands of seeded simulated rollouts, each looked at every 50 canary responses up to a budget
// of 1,000, as the controller looks every interval. A canary equal to its baseline must pass
// and almost never fail (the false-alarm rate); a 3% 5xx canary against a clean baseline, and a
// canary whose slowest 3% take 150 ms more, must fail (the power); a canary exactly at the
// tolerated limit fails at most ALPHA of the time whatever the looks; no samples is inconclusive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorRateCheck, latencyCheck, shadowMismatchCheck } from '../../src/delivery/rollout/checks.js';
import { emptySamples, recordResponse, type StepSamples } from '../../src/delivery/rollout/samples.js';
import { ALPHA } from '../../src/delivery/rollout/sprt.js';
import type { Verdict } from '../../src/delivery/rollout/sprt.js';

const ROLLOUTS = 2000;
const BUDGET = 1000;
const LOOK_EVERY = 50;
/** Baseline responses per canary response: a 20% canary step. */
const BASELINE_PER_CANARY = 4;

/** mulberry32: a small seeded generator, so every run sees the same rollouts. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Side {
  errorRate: number;
  /** Latency in ms, drawn with the given uniform source. */
  latency: (random: () => number) => number;
}

/** Log-normal, median 20 ms, sigma 0.5: p99 about 64 ms (a PHP page). */
function php(random: () => number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return 20 * Math.exp(0.5 * z);
}
const slowTail = (random: () => number) => php(random) + (random() < 0.03 ? 150 : 0);

type Judge = (s: StepSamples) => Verdict;

/** Share of rollouts ending in each verdict by the budget (inconclusive: neither bound crossed). */
function simulate(seed: number, canary: Side, baseline: Side, judge: Judge): Record<Verdict, number> & { meanSamples: number } {
  const random = rng(seed);
  const counts = { pass: 0, fail: 0, inconclusive: 0 };
  let decidedAt = 0;
  for (let r = 0; r < ROLLOUTS; r++) {
    const samples = emptySamples();
    let verdict: Verdict = 'inconclusive';
    for (let n = 1; n <= BUDGET && verdict === 'inconclusive'; n++) {
      recordResponse(samples, true, random() < canary.errorRate ? 503 : 200, canary.latency(random));
      for (let b = 0; b < BASELINE_PER_CANARY; b++) recordResponse(samples, false, random() < baseline.errorRate ? 503 : 200, baseline.latency(random));
      if (n % LOOK_EVERY === 0) {
        verdict = judge(samples);
        if (verdict !== 'inconclusive') decidedAt += n;
      }
    }
    counts[verdict]++;
  }
  const decided = counts.pass + counts.fail;
  return { pass: counts.pass / ROLLOUTS, fail: counts.fail / ROLLOUTS, inconclusive: counts.inconclusive / ROLLOUTS, meanSamples: decided === 0 ? 0 : decidedAt / decided };
}

const clean: Side = { errorRate: 0, latency: php };
const errorRate: Judge = (s) => errorRateCheck(s, 0.01).verdict;
const latency: Judge = (s) => latencyCheck(s, 1.5).verdict;

test('errorRate: an equal canary passes within 1,000 samples and a 3% 5xx canary fails', () => {
  const equal = simulate(1, clean, clean, errorRate);
  const noisyEqual = simulate(2, { errorRate: 0.01, latency: php }, { errorRate: 0.01, latency: php }, errorRate);
  const bad = simulate(3, { errorRate: 0.03, latency: php }, clean, errorRate);
  console.log(JSON.stringify({ equal, noisyEqual, bad }));
  assert.ok(equal.pass >= 0.99, `equal canary passed in ${equal.pass}`);
  assert.ok(equal.fail <= ALPHA, `equal canary failed in ${equal.fail}`);
  assert.ok(noisyEqual.fail <= ALPHA, `equal canary at 1% 5xx failed in ${noisyEqual.fail}`);
  assert.ok(noisyEqual.pass >= 0.9, `equal canary at 1% 5xx passed in ${noisyEqual.pass}`);
  assert.ok(bad.fail >= 0.98, `3% 5xx canary failed in ${bad.fail}`);
  assert.ok(bad.pass <= 0.01, `3% 5xx canary passed in ${bad.pass}`);
});

test('errorRate: a canary right at the tolerated increase fails at most ALPHA of the time despite 20 looks', () => {
  const atLimit = simulate(4, { errorRate: 0.01, latency: php }, clean, errorRate);
  console.log(JSON.stringify({ atLimit }));
  assert.ok(atLimit.fail <= ALPHA + 0.005, `canary at the limit failed in ${atLimit.fail}`);
});

test('latencyP99: an equal canary passes and a canary whose slowest 3% take 150 ms more fails', () => {
  const equal = simulate(5, clean, clean, latency);
  const slow = simulate(6, { errorRate: 0, latency: slowTail }, clean, latency);
  console.log(JSON.stringify({ equal, slow }));
  assert.ok(equal.pass >= 0.99, `equal canary passed in ${equal.pass}`);
  assert.ok(equal.fail <= ALPHA, `equal canary failed in ${equal.fail}`);
  assert.ok(slow.fail >= 0.98, `slow-tail canary failed in ${slow.fail}`);
  assert.ok(slow.pass <= 0.01, `slow-tail canary passed in ${slow.pass}`);
});

test('no samples, or a baseline too small to judge against, is inconclusive, never pass', () => {
  const none = emptySamples();
  assert.equal(errorRateCheck(none, 0.01).verdict, 'inconclusive');
  assert.equal(latencyCheck(none, 1.5).verdict, 'inconclusive');
  assert.equal(shadowMismatchCheck(none, 0.02).verdict, 'inconclusive');
  const canaryOnly = emptySamples();
  for (let i = 0; i < 5000; i++) recordResponse(canaryOnly, true, 200, 10);
  assert.equal(errorRateCheck(canaryOnly, 0.01).verdict, 'inconclusive');
  assert.equal(latencyCheck(canaryOnly, 1.5).verdict, 'inconclusive');
});

test('shadowMismatch: 5% of comparisons differing fails against max 2%; none differing passes', () => {
  const samples = emptySamples();
  const random = rng(7);
  let verdict: Verdict = 'inconclusive';
  for (let n = 1; n <= BUDGET && verdict === 'inconclusive'; n++) {
    samples.shadow.compared++;
    if (random() < 0.05) samples.shadow.mismatched++;
    if (n % LOOK_EVERY === 0) verdict = shadowMismatchCheck(samples, 0.02).verdict;
  }
  assert.equal(verdict, 'fail');
  const same = emptySamples();
  same.shadow.compared = 400;
  assert.equal(shadowMismatchCheck(same, 0.02).verdict, 'pass');
});
