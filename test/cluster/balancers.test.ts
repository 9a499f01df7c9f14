/** Each load-balancing policy over the same endpoints, table-driven: who gets picked, how often. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer } from '../../src/cluster/balancer.js';
import { Endpoint } from '../../src/cluster/endpoint.js';

const make = (weights: number[]) => weights.map((weight, i) => new Endpoint({ url: `http://10.0.0.${i + 1}:80`, weight, zone: undefined, priority: 0 }, i));
const tally = (picks: Endpoint[]) => picks.reduce<Record<string, number>>((acc, e) => ((acc[e.url] = (acc[e.url] ?? 0) + 1), acc), {});

describe('balancers', () => {
  it('round_robin takes each endpoint in turn', () => {
    const eps = make([1, 1, 1]);
    const lb = createBalancer('round_robin', eps);
    assert.deepEqual(Array.from({ length: 6 }, () => lb.pick(eps, { hashKey: undefined }).index), [0, 1, 2, 0, 1, 2]);
  });

  it('weighted spreads picks smoothly in proportion to weight (nginx order)', () => {
    const eps = make([5, 1, 1]);
    const lb = createBalancer('weighted', eps);
    assert.deepEqual(Array.from({ length: 7 }, () => lb.pick(eps, { hashKey: undefined }).index), [0, 0, 1, 0, 2, 0, 0]);
  });

  it('least_request never picks the busier of two', () => {
    const eps = make([1, 1]);
    (eps[0] as Endpoint).active = 5;
    const lb = createBalancer('least_request', eps);
    for (let i = 0; i < 20; i++) assert.equal(lb.pick(eps, { hashKey: undefined }).index, 1);
  });

  it('random reaches every endpoint', () => {
    const eps = make([1, 1, 1]);
    const lb = createBalancer('random', eps);
    assert.equal(Object.keys(tally(Array.from({ length: 300 }, () => lb.pick(eps, { hashKey: undefined })))).length, 3);
  });

  it('ring_hash sends a key to the same endpoint and moves only the lost endpoint’s keys', () => {
    const eps = make([1, 1, 1, 1]);
    const lb = createBalancer('ring_hash', eps);
    const keys = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    const before = keys.map((k) => lb.pick(eps, { hashKey: k }));
    assert.deepEqual(keys.map((k) => lb.pick(eps, { hashKey: k })), before, 'stable');
    const spread = tally(before);
    for (const count of Object.values(spread)) assert.ok(count > 50, `each endpoint owns a fair share: ${JSON.stringify(spread)}`);
    const without = eps.filter((e) => e.index !== 0);
    keys.forEach((k, i) => {
      if (before[i]?.index !== 0) assert.equal(lb.pick(without, { hashKey: k }), before[i], 'keys of the remaining endpoints stay put');
    });
  });
});
