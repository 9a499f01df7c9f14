/** The log-linear histogram's error bound and the heatmap ring's bounded memory. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

  it('reads the same once compacted, and still takes values after', () => {
    const h = new LatencyHistogram();
    for (const v of [900, 5, 70_000, 5, 900, 12]) h.record(v);
    const before = { entries: h.entries(), p50: h.quantile(0.5), p99: h.quantile(0.99), total: h.total, max: h.max };
    h.compact();
    assert.deepEqual({ entries: h.entries(), p50: h.quantile(0.5), p99: h.quantile(0.99), total: h.total, max: h.max }, before);
    assert.deepEqual(before.entries.map(([b]) => b), [bucketOf(5), bucketOf(12), bucketOf(900), bucketOf(70_000)]);
    h.record(5);
    assert.deepEqual(h.entries()[0], [bucketOf(5), 3]);
    assert.equal(h.total, 7);
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
    assert.ok((slice?.histogram.entries().length ?? 0) <= bucketOf(5000 * 7) + 1);
    assert.equal(slice?.histogram.total, 200_000);
  });

  it('keeps a full 15-minute ring of busy 1 s slices in a couple of megabytes', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    // Typed arrays keep their bytes outside the heap: both count.
    const held = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
    gc();
    const before = held();
    const ring = new HeatmapRing(1000, 900_000);
    // 250 distinct buckets in each of 900 slices: a busy route whose latencies spread over
    // 0.5 to 20 ms. As maps that is over 6 MB; packed, about 2 KB a slice.
    for (let slice = 0; slice < 900; slice++) for (let b = 100; b < 350; b++) ring.record(slice * 1000 + 1, bucketRange(b)[0]);
    gc();
    const used = held() - before;
    const slices = ring.slices(0, 900_000, 899_999);
    assert.equal(slices.length, 900);
    assert.ok(slices.every((s) => s.histogram.total === 250 && s.histogram.entries().length === 250));
    assert.ok(used < 3 * 1024 * 1024, `ring holds ${(used / 1024 / 1024).toFixed(1)} MB`);
  });
});
