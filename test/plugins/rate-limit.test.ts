// rateLimit against a real gateway: the bucket and its headers, the keys (header, trusted
// X-Forwarded-For), Redis shared by two gateway instances through the Lua script, and Redis down
// (fail open and fail closed, answered at once).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest, type HttpResult } from '../helpers/http-request.js';
import { startEchoServer, type EchoServer } from './echo-server.js';
import { startRedis, type TestRedis } from './redis-server.js';

let echo: EchoServer;
before(async () => {
  echo = await startEchoServer();
});
after(async () => {
  await echo.close();
});

const config = (middleware: string, extra = '') => `listen: 127.0.0.1:0
accessLog: off
upstreams:
  svc: { type: http, endpoints: [${echo.url}] }
middleware:
${middleware}
routes:
  - get: /limited
    to: svc
    middleware: [limit]
${extra}`;

async function statuses(port: number, n: number, headers: Record<string, string> = {}): Promise<HttpResult[]> {
  const out: HttpResult[] = [];
  for (let i = 0; i < n; i++) out.push(await httpRequest(port, '/limited', { headers }));
  return out;
}

describe('rateLimit, store: memory', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway(config(`  limit: { type: rateLimit, rate: 1/h, burst: 3, key: 'header:X-Tenant', trustedProxies: [127.0.0.1/32] }
  byIp: { type: rateLimit, rate: 1/h, burst: 2 }
  byForwarded: { type: rateLimit, rate: 1/h, burst: 1, trustedProxies: [127.0.0.0/8] }`, `  - get: /ip
    to: svc
    middleware: [byIp]
  - get: /forwarded
    to: svc
    middleware: [byForwarded]
`));
  });
  after(async () => {
    await gw.stop();
  });

  it('admits the burst with RateLimit headers counting down, then answers 429 problem+json with Retry-After', async () => {
    const results = await statuses(gw.port, 4, { 'x-tenant': 'acme' });
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 429]);
    assert.deepEqual(results.map((r) => r.headers['ratelimit-remaining']), ['2', '1', '0', '0']);
    for (const r of results) assert.equal(r.headers['ratelimit-limit'], '3');
    const refused = results[3] as HttpResult;
    assert.equal(refused.headers['content-type'], 'application/problem+json');
    assert.equal(refused.json()['code'], 'SY_ERR_RATE_LIMITED');
    assert.equal(refused.json()['status'], 429);
    // 1/h: the next token is an hour away, the bucket full again in three.
    assert.equal(refused.headers['retry-after'], '3600');
    assert.equal(refused.headers['ratelimit-reset'], String(3 * 3600));
    assert.equal(echo.seen.filter((s) => s.headers['x-tenant'] === 'acme').length, 3, 'the refused request never reached the upstream');
  });

  it('counts a very long header value as its own bucket too (by its hash)', async () => {
    const long = 'x'.repeat(4000);
    assert.deepEqual((await statuses(gw.port, 4, { 'x-tenant': long })).map((r) => r.status), [200, 200, 200, 429]);
    assert.equal((await httpRequest(gw.port, '/limited', { headers: { 'x-tenant': `${long}y` } })).status, 200);
  });

  it('keeps one bucket per header value, and counts a request without the header by its address', async () => {
    assert.deepEqual((await statuses(gw.port, 2, { 'x-tenant': 'globex' })).map((r) => r.status), [200, 200]);
    assert.deepEqual((await statuses(gw.port, 4)).map((r) => r.status), [200, 200, 200, 429]);
  });

  it('keys by the connection address, ignoring X-Forwarded-For from a peer that is not trusted', async () => {
    const a = await httpRequest(gw.port, '/ip', { headers: { 'x-forwarded-for': '203.0.113.1' } });
    const b = await httpRequest(gw.port, '/ip', { headers: { 'x-forwarded-for': '203.0.113.2' } });
    const c = await httpRequest(gw.port, '/ip', { headers: { 'x-forwarded-for': '203.0.113.3' } });
    assert.deepEqual([a.status, b.status, c.status], [200, 200, 429]);
  });

  it('believes X-Forwarded-For from a trusted proxy, walking past trusted hops to the client', async () => {
    const first = await httpRequest(gw.port, '/forwarded', { headers: { 'x-forwarded-for': '198.51.100.7, 127.0.0.9' } });
    const again = await httpRequest(gw.port, '/forwarded', { headers: { 'x-forwarded-for': '198.51.100.7' } });
    const other = await httpRequest(gw.port, '/forwarded', { headers: { 'x-forwarded-for': '198.51.100.8' } });
    assert.deepEqual([first.status, again.status, other.status], [200, 429, 200]);
  });
});

describe('rateLimit, store: redis', () => {
  let redis: TestRedis;
  let one: TestGateway;
  let two: TestGateway;
  before(async () => {
    redis = await startRedis();
    // storeTimeout well above what a loaded test machine needs: a slow answer would fail open.
    const mw = (name: string) => `  ${name}: { type: rateLimit, rate: 1/h, burst: 4, key: route, store: '${redis.url}', storeTimeout: 2s }`;
    one = await startTestGateway(config(mw('limit')));
    two = await startTestGateway(config(mw('limit')));
  });
  after(async () => {
    await one.stop();
    await two.stop();
    await redis.stop();
  });

  it('shares one count between two gateway instances for middleware of the same name', async () => {
    const results = [...(await statuses(one.port, 2)), ...(await statuses(two.port, 2)), ...(await statuses(one.port, 1)), ...(await statuses(two.port, 1))];
    assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 429, 429]);
    assert.deepEqual(results.map((r) => r.headers['ratelimit-remaining']), ['3', '2', '1', '0', '0', '0']);
    assert.equal(results[5]?.json()['code'], 'SY_ERR_RATE_LIMITED');
    const keys = await redis.client.keys('switchyard:ratelimit:limit:*');
    assert.deepEqual(keys, ['switchyard:ratelimit:limit:route:/limited']);
    assert.ok((await redis.client.pttl(keys[0] as string)) > 0, 'the bucket key expires');
  });
});

describe('rateLimit, Redis down', () => {
  let redis: TestRedis;
  let gw: TestGateway;
  before(async () => {
    redis = await startRedis();
    gw = await startTestGateway(
      // A burst of 8 makes every lease one token (an eighth of the burst): nothing is held when Redis goes.
      config(`  limit: { type: rateLimit, rate: 100/s, burst: 8, store: '${redis.url}', onStoreError: open }
  strict: { type: rateLimit, rate: 100/s, burst: 8, store: '${redis.url}', onStoreError: closed }`, `  - get: /strict
    to: svc
    middleware: [strict]
`),
    );
    // Both counted once while Redis is up.
    assert.equal((await httpRequest(gw.port, '/limited')).status, 200);
    assert.equal((await httpRequest(gw.port, '/strict')).status, 200);
    await redis.stop();
  });
  after(async () => {
    await gw.stop();
  });

  it('fails open with onStoreError: open, and logs why', async () => {
    const res = await httpRequest(gw.port, '/limited');
    assert.equal(res.status, 200);
    assert.equal(res.headers['ratelimit-limit'], undefined, 'no count was made, so none is claimed');
    assert.ok(gw.logs().some((l) => l['msg'] === 'rate-limit store failed; requests are let through' && l['middleware'] === 'limit'));
  });

  it('fails closed with onStoreError: closed: 503 problem naming the store', async () => {
    const res = await httpRequest(gw.port, '/strict');
    assert.equal(res.status, 503);
    assert.equal(res.json()['code'], 'SY_ERR_RATE_LIMIT_STORE');
    assert.match(String(res.json()['detail']), /middleware 'strict' cannot count this request: redis at redis:\/\/127\.0\.0\.1:\d+\/? /);
  });

  it('keeps serving other requests and answers each at once, not after a timeout per request', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => httpRequest(gw.port, '/limited')));
    assert.ok(results.every((r) => r.status === 200));
  });
});
