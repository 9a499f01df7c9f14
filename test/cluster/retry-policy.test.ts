/** Which failed attempts may be retried, and the backoff bounds. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RetryPolicy } from '../../src/cluster/retry-policy.js';
import type { RetryCondition } from '../../src/config/types.js';

const policy = (retryOn: RetryCondition[], statuses: number[] = []) =>
  new RetryPolicy({ attempts: 3, retryOn, retriableStatuses: statuses, budget: 0.2, backoff: { base: 25, max: 250 } });

describe('retry policy', () => {
  const cases: { name: string; on: RetryCondition[]; statuses?: number[]; method: string; body: boolean; failure?: 'connect' | 'reset' | 'timeout'; status?: number; untouched: boolean; expect: boolean }[] = [
    { name: 'GET connect failure', on: ['connect-failure'], method: 'GET', body: false, failure: 'connect', untouched: true, expect: true },
    { name: 'POST connect failure (never arrived)', on: ['connect-failure'], method: 'POST', body: true, failure: 'connect', untouched: true, expect: true },
    { name: 'POST reset after its body was read', on: ['reset'], method: 'POST', body: true, failure: 'reset', untouched: false, expect: false },
    { name: 'POST reset before its body was read', on: ['reset'], method: 'POST', body: true, failure: 'reset', untouched: true, expect: true },
    { name: 'POST without body reset (may have run)', on: ['reset'], method: 'POST', body: false, failure: 'reset', untouched: true, expect: false },
    { name: 'PUT reset', on: ['reset'], method: 'PUT', body: false, failure: 'reset', untouched: true, expect: true },
    { name: 'GET reset when only connect-failure is on', on: ['connect-failure'], method: 'GET', body: false, failure: 'reset', untouched: true, expect: false },
    { name: 'GET 503 with retriable-status:503', on: [], statuses: [503], method: 'GET', body: false, status: 503, untouched: true, expect: true },
    { name: 'GET 500 with gateway-error', on: ['gateway-error'], method: 'GET', body: false, status: 500, untouched: true, expect: false },
    { name: 'GET 500 with 5xx', on: ['5xx'], method: 'GET', body: false, status: 500, untouched: true, expect: true },
    { name: 'POST 503 with 5xx', on: ['5xx'], method: 'POST', body: true, status: 503, untouched: false, expect: false },
    { name: 'GET timeout with gateway-error', on: ['gateway-error'], method: 'GET', body: false, failure: 'timeout', untouched: true, expect: true },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = policy(c.on, c.statuses);
      assert.equal(p.allows(c.method, c.body, { failure: c.failure, status: c.status, bodyUntouched: c.untouched }), c.expect);
    });
  }

  it('backs off exponentially with full jitter, capped at max', () => {
    const p = policy(['reset']);
    assert.equal(p.backoff(1, 0.999), 24);
    assert.equal(p.backoff(3, 0.999), 99);
    assert.equal(p.backoff(10, 0.999), 249);
    assert.equal(p.backoff(10, 0), 0);
  });
});
