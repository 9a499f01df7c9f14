/** Outlier detection on recorded outcomes: thresholds, the ejection cap, statistical outliers. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Endpoint } from '../../src/cluster/endpoint.js';
import { OutlierDetector } from '../../src/cluster/outlier-detector.js';
import { defaults } from '../../src/config/defaults.js';
import type { OutlierDetectionConfig } from '../../src/config/types.js';

const eps = (n: number) => Array.from({ length: n }, (_, i) => new Endpoint({ url: `http://10.0.0.${i}:80`, weight: 1, zone: undefined, priority: 0 }, i));
const detectors: OutlierDetector[] = [];
const detector = (endpoints: Endpoint[], overrides: Partial<OutlierDetectionConfig> = {}) => {
  const d = new OutlierDetector({ ...defaults.http.outlierDetection, interval: 3_600_000, ...overrides }, endpoints);
  detectors.push(d);
  return d;
};
after(() => detectors.forEach((d) => d.close()));

describe('outlier detector', () => {
  it('ejects after consecutive gateway failures, and a success in between resets the count', () => {
    const [a] = eps(1) as [Endpoint];
    const d = detector([a], { consecutiveGatewayFailure: 3, consecutive5xx: 0 });
    d.record(a, { failure: 'connect', latencyMs: 1 });
    d.record(a, { failure: 'reset', latencyMs: 1 });
    d.record(a, { status: 200, latencyMs: 1 });
    d.record(a, { status: 502, latencyMs: 1 });
    d.record(a, { failure: 'timeout', latencyMs: 1 });
    assert.equal(a.ejection, 'none');
    d.record(a, { status: 503, latencyMs: 1 });
    assert.equal(a.ejection, 'ejected');
    assert.equal(a.ejections, 1);
  });

  it('never ejects more than maxEjectionPercent, but always allows one', () => {
    const list = eps(4);
    const d = detector(list, { consecutive5xx: 1, maxEjectionPercent: 10 });
    for (const e of list) d.record(e, { status: 500, latencyMs: 1 });
    assert.equal(list.filter((e) => e.ejection === 'ejected').length, 1);
  });

  it('ejects a success-rate outlier and a latency outlier at the interval', () => {
    const list = eps(6);
    const d = detector(list, { consecutive5xx: 0, consecutiveGatewayFailure: 0, successRateMinimumHosts: 5, successRateRequestVolume: 10, maxEjectionPercent: 50 });
    list.forEach((e, i) => {
      for (let r = 0; r < 20; r++) {
        const fail = i === 0 && r % 2 === 0;
        d.record(e, { status: fail ? 500 : 200, latencyMs: i === 5 ? 100 : 10 });
      }
    });
    d.sweep();
    assert.deepEqual(list.map((e) => e.ejection), ['ejected', 'none', 'none', 'none', 'none', 'ejected']);
  });

  it('half-open: one failure ejects again for longer, one success closes it', () => {
    const [a, b] = eps(2) as [Endpoint, Endpoint];
    const d = detector([a, b], { consecutive5xx: 1, baseEjectionTime: 1_000 });
    d.record(a, { status: 500, latencyMs: 1 });
    const first = a.ejectedUntil - Date.now();
    a.ejection = 'half-open';
    assert.equal(a.available(), true);
    a.active = 1;
    assert.equal(a.available(), false, 'one request at a time while half-open');
    a.active = 0;
    d.record(a, { status: 500, latencyMs: 1 });
    assert.equal(a.ejection, 'ejected');
    assert.ok(a.ejectedUntil - Date.now() > first, 'the second ejection is longer');
    a.ejection = 'half-open';
    d.record(a, { status: 200, latencyMs: 1 });
    assert.equal(a.ejection, 'none');
  });
});
