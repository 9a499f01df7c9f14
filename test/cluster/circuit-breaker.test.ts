/** Circuit-breaker limits and the retry budget, counted as a user reads them in the admin view. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker } from '../../src/cluster/circuit-breaker.js';

describe('circuit breaker', () => {
  it('refuses requests and pending waits beyond their limits and counts each overflow', () => {
    const cb = new CircuitBreaker({ maxConnections: 1, maxPending: 1, maxRequests: 2, maxRetries: 10 });
    assert.equal(cb.tryRequest(), true);
    assert.equal(cb.tryRequest(), true);
    assert.equal(cb.tryRequest(), false);
    cb.endRequest();
    assert.equal(cb.tryRequest(), true);
    assert.equal(cb.tryPending(), true);
    assert.equal(cb.tryPending(), false);
    assert.deepEqual(cb.overflows, { requests: 1, pending: 1, retries: 0, connections: 0 });
  });

  it('allows retries within the budget share of requests in flight, but always three', () => {
    const cb = new CircuitBreaker({ maxConnections: 1, maxPending: 1, maxRequests: 1000, maxRetries: 1000 });
    for (let i = 0; i < 100; i++) cb.tryRequest();
    // 20% of 100 requests in flight: 20 retries.
    let granted = 0;
    while (cb.tryRetry(0.2)) granted++;
    assert.equal(granted, 20);
    const quiet = new CircuitBreaker({ maxConnections: 1, maxPending: 1, maxRequests: 1000, maxRetries: 1000 });
    quiet.tryRequest();
    granted = 0;
    while (quiet.tryRetry(0.2)) granted++;
    assert.equal(granted, 3, 'the minimum concurrency');
    assert.equal(quiet.overflows.retries, 1);
  });

  it('never lets retries exceed maxRetries', () => {
    const cb = new CircuitBreaker({ maxConnections: 1, maxPending: 1, maxRequests: 1000, maxRetries: 2 });
    for (let i = 0; i < 100; i++) cb.tryRequest();
    assert.equal(cb.tryRetry(1), true);
    assert.equal(cb.tryRetry(1), true);
    assert.equal(cb.tryRetry(1), false);
    cb.endRetry();
    assert.equal(cb.tryRetry(1), true);
  });
});
