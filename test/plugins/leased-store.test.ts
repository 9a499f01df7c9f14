// The leased rate-limit store that the workers of one instance and Redis-backed limits use: many
// requests at once for one key admit exactly what the shared bucket grants, wait for one ask
// instead of each asking, and a shared bucket that cannot be reached fails every waiter.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { LeasedStore, type Grant, type GrantSource } from '../../src/plugins/rate-limit/leased-store.js';
import { TokenBuckets } from '../../src/plugins/rate-limit/token-bucket.js';
import { SwitchyardError } from '../../src/errors.js';

/** A shared bucket one event-loop turn away, as the primary or Redis is. */
class SlowBucket implements GrantSource {
  readonly buckets = new TokenBuckets();
  asks = 0;
  constructor(readonly lease: number) {}
  leaseSize(): number {
    return this.lease;
  }
  async grant(name: string, key: string, perSecond: number, burst: number, want: number): Promise<Grant> {
    this.asks++;
    await new Promise((resolve) => setImmediate(resolve));
    const take = this.buckets.take(`${name}\0${key}`, perSecond, burst, want, Date.now());
    return { granted: take.granted, tokens: take.tokens };
  }
}

for (const lease of [1, 2, 5]) {
  it(`admits exactly the burst of 6 out of 40 concurrent requests with leases of ${lease}`, async () => {
    const source = new SlowBucket(lease);
    const store = new LeasedStore(source);
    const decisions = await Promise.all(Array.from({ length: 40 }, () => store.take('limit', 'k', 1 / 3600, 6)));
    assert.equal(decisions.filter((d) => d.allowed).length, 6);
    assert.ok(decisions.filter((d) => !d.allowed).every((d) => d.remaining === 0 && d.retryAfterSeconds > 0));
    assert.ok(source.asks <= Math.ceil(6 / lease) + 1, `${source.asks} asks: waiters share one ask`);
  });
}

it('spends a held lease without asking again', async () => {
  const source = new SlowBucket(10);
  const store = new LeasedStore(source);
  for (let i = 0; i < 10; i++) assert.equal((await store.take('limit', 'k', 1000, 100)).allowed, true);
  assert.equal(source.asks, 1);
});

it('fails every waiter when the shared bucket cannot be reached', async () => {
  const store = new LeasedStore({
    leaseSize: () => 1,
    grant: async () => {
      throw new SwitchyardError('SY_ERR_RATE_LIMIT_STORE', 'down');
    },
  });
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => store.take('limit', 'k', 10, 10)));
  assert.ok(results.every((r) => r.status === 'rejected' && (r.reason as SwitchyardError).code === 'SY_ERR_RATE_LIMIT_STORE'));
});
