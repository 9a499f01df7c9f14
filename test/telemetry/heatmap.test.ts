/** The log-linear histogram's error bound and the heatmap ring's bounded memory. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bucketOf, bucketRange, LatencyHistogram, MAX_MICROS } from '../../src/telemetry/heatmap/log-linear-histogram.js';
import { HeatmapRing } from '../../src/telemetry/heatmap/heatmap-ring.js';

describe('log-linear latency histogram', () => {
  it('puts every value in a bucket that contains it and is at most about 3% wide (under 2% from its midpoint)', () => {
    for (let v = 0; v < 5_000_000; v = v < 200 ? v + 1 : Math.ceil(v * 1.013)) {
      const [low, high] = bucketRange(bucketOf(v));
      assert.ok(low <= v && v < high, `${v} in [${low}, ${high})`);
      if (v >= 64) assert.ok((high - low) / low <= 1 / 32 + 1e-12, `bucket of ${v} is ${(high - low) / low} wide`);
      if (v >= 64) assert.ok(Math.abs((low + high) / 2 - v) / v < 0.02);
    }
  });

  it('numbers buckets in value order with no gaps', () => {
    let previousHigh = 0;
    for (let b = 0; b < bucketOf(MAX_MICROS); b++) {
      const [low, high] = bucketRange(b);
      assert.equal(low, previousHigh, `bucket ${b}`);
      previousHigh = high;
    }
  });

  it('clamps values beyond the range instead of growing', () => {
    assert.equal(bucketOf(Number.MAX_SAFE_INTEGER), bucketOf(MAX_MICROS));
    assert.equal(bucketOf(-5), 0);
  });

  it('reads quantiles within the bucket error', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i * 100);
    assert.ok(Math.abs(h.quantile(0.5) - 50_000) / 50_000 < 0.03);
    assert.ok(Math.abs(h.quantile(0.99) - 99_000) / 99_000 < 0.03);
  });
});

describe('heatmap ring', () => {
  it('forgets slices older than keep and reuses their slots', () => {
    const ring = new HeatmapRing(1000, 10_000);
    for (let t = 0; t < 60_000; t += 100) ring.record(t, 5000);
    const slices = ring.slices(0, 60_000, 59_999);
    assert.equal(slices.length, 10);
    assert.equal(slices[0]?.start, 50_000);
    assert.ok(slices.every((s) => s.histogram.total === 10));
  });

  it('holds at most one bucket per distinct latency whatever the request count', () => {
    const ring = new HeatmapRing(1000, 1000);
    for (let i = 0; i < 200_000; i++) ring.record(500, (i % 5000) * 7);
    const [slice] = ring.slices(0, 1000, 999);
    assert.ok((slice?.histogram.counts.size ?? 0) <= bucketOf(5000 * 7) + 1);
    assert.equal(slice?.histogram.total, 200_000);
  });
});
