/**
 * What a client sees when an endpoint fails: which requests are retried on the other endpoint,
 * which are not (a POST whose body went out), and the status and code of those that fail.
 * Each test points one upstream at real services on loopback and switches their behaviour.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { deadUrl, startBackend, type Backend } from './backend.js';

describe('http upstream failures and retries', () => {
  let a: Backend;
  let b: Backend;
  let dead: string;
  let gw: TestGateway;

  before(async () => {
    a = await startBackend('a');
    b = await startBackend('b');
    dead = await deadUrl();
    // round_robin over [a, b]; outlier detection off so every request reaches its endpoint.
    const cluster = `policy: round_robin }
    outlierDetection: { consecutive5xx: 0, consecutiveGatewayFailure: 0 }`;
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  pair:
    type: http
    endpoints: [${a.url}, ${b.url}]
    loadBalancer: { ${cluster}
    retry: { attempts: 2, retryOn: [connect-failure, reset, retriable-status:503], backoff: { base: 1ms, max: 2ms } }
    timeouts: { firstByte: 300ms }
  withDead:
    type: http
    endpoints: [${dead}, ${b.url}]
    loadBalancer: { ${cluster}
    retry: { attempts: 2, backoff: { base: 1ms, max: 2ms } }
  noRetry:
    type: http
    endpoints: [${a.url}]
    retry: { attempts: 1 }
    timeouts: { firstByte: 200ms }
    maxResponseHeaderSize: 8kb
  patient:
    type: http
    endpoints: [${a.url}]
    timeouts: { firstByte: 60s }
  capped:
    type: http
    endpoints: [${a.url}]
    retry: { attempts: 1 }
    timeouts: { total: 150ms }
routes:
  - any: /capped
    to: capped
  - any: /patient
    to: patient
  - any: /pair/{p?}
    to: pair
  - any: /dead/{p?}
    to: withDead
  - any: /one/{p?}
    to: noRetry
`);
  });
  after(async () => {
    await gw.stop();
    await a.close();
    await b.close();
  });
  beforeEach(() => {
    a.mode = 'ok';
    b.mode = 'ok';
    a.seen.length = 0;
    b.seen.length = 0;
  });

  it('retries a connect failure on the other endpoint, even for a POST', async () => {
    for (let i = 0; i < 4; i++) {
      const get = await httpRequest(gw.port, '/dead/x');
      assert.equal(get.status, 200);
      assert.equal(get.json()['backend'], 'b');
    }
    const post = await httpRequest(gw.port, '/dead/x', { method: 'POST', body: 'order=1' });
    assert.equal(post.status, 200, 'a request that never reached an upstream is safe to send again');
    assert.equal(b.seen.filter((s) => s.method === 'POST' && s.body === 'order=1').length, 1);
  });

  it('retries a GET whose connection was reset, and never a POST whose body was read', async () => {
    a.mode = 'reset';
    const gets = await Promise.all([1, 2, 3, 4].map(() => httpRequest(gw.port, '/pair/r')));
    assert.deepEqual(gets.map((r) => r.status), [200, 200, 200, 200]);
    assert.ok(a.count('GET') >= 1, 'some GETs went to the resetting endpoint first');
    assert.equal(b.count('GET'), 4, 'every GET was answered by b');

    // Two POSTs in a row: round robin sends one of them to a.
    const posts = [await httpRequest(gw.port, '/pair/r', { method: 'POST', body: 'p1' }), await httpRequest(gw.port, '/pair/r', { method: 'POST', body: 'p2' })];
    const failed = posts.filter((r) => r.status === 502);
    assert.equal(failed.length, 1, 'the POST that reached a failed');
    assert.equal(failed[0]?.json()['code'], 'SY_ERR_UPSTREAM_RESET');
    assert.equal(a.count('POST'), 1);
    assert.equal(b.count('POST'), 1, 'the failed POST was not sent again to b');
  });

  it('retries a 503 for GET on the other endpoint and passes a POST’s 503 through', async () => {
    a.mode = '503';
    const gets = await Promise.all([1, 2, 3, 4].map(() => httpRequest(gw.port, '/pair/s')));
    assert.deepEqual(gets.map((r) => r.json()['backend']), ['b', 'b', 'b', 'b']);
    const posts = [await httpRequest(gw.port, '/pair/s', { method: 'POST', body: 'x' }), await httpRequest(gw.port, '/pair/s', { method: 'POST', body: 'y' })];
    assert.deepEqual(posts.map((r) => r.status).sort(), [200, 503], 'the POST a answered got its 503, not a retry');
    assert.equal(a.count('POST') + b.count('POST'), 2);
  });

  it('answers 504 when an endpoint hangs, and counts the hung connection', async () => {
    a.mode = 'hang';
    const res = await httpRequest(gw.port, '/one/h');
    assert.equal(res.status, 504);
    assert.equal(res.json()['code'], 'SY_ERR_UPSTREAM_TIMEOUT');
    assert.match(String(res.json()['detail']), /noRetry/);
    const view = gw.running.gateway.runtime.upstreams.get('noRetry')?.describe?.();
    assert.equal(view?.counters.hung, 1);
  });

  it('cuts the client off when an endpoint dies mid-body, and serves the next request', async () => {
    a.mode = 'die-mid-body';
    await assert.rejects(httpRequest(gw.port, '/one/d'));
    a.mode = 'ok';
    assert.equal((await httpRequest(gw.port, '/one/d')).status, 200);
  });

  it('answers 502 naming the upstream for malformed HTTP and an oversized response head', async () => {
    a.mode = 'malformed';
    const bad = await httpRequest(gw.port, '/one/m');
    assert.equal(bad.status, 502);
    assert.equal(bad.json()['code'], 'SY_ERR_UPSTREAM_PROTOCOL');
    assert.match(String(bad.json()['detail']), /upstream noRetry/);
    a.mode = 'huge-header';
    const big = await httpRequest(gw.port, '/one/m');
    assert.equal(big.status, 502);
    assert.equal(big.json()['code'], 'SY_ERR_UPSTREAM_HEADERS_TOO_LARGE');
    a.mode = 'ok';
    assert.equal((await httpRequest(gw.port, '/one/m')).status, 200);
  });

  it('never passes on a body shorter than its Content-Length as complete', async () => {
    a.mode = 'short-body';
    await assert.rejects(httpRequest(gw.port, '/one/short'));
    a.mode = 'ok';
    assert.equal((await httpRequest(gw.port, '/one/short')).status, 200);
  });

  it('stops the upstream request when the client leaves, without holding it against the endpoint', async () => {
    a.mode = 'hang';
    const closedBefore = a.closed();
    const controller = new AbortController();
    const pending = fetch(`http://127.0.0.1:${gw.port}/patient`, { signal: controller.signal }).catch(() => 'aborted');
    assert.ok(await until(() => a.count('GET') === 1));
    controller.abort();
    assert.equal(await pending, 'aborted');
    assert.ok(await until(() => a.closed() > closedBefore), 'the hung upstream connection is closed (timeouts.firstByte is 60s)');
    const view = gw.running.gateway.runtime.upstreams.get('patient')?.describe?.();
    assert.ok(await until(() => gw.running.gateway.runtime.upstreams.get('patient')?.describe?.().circuitBreaker?.current.requests === 0));
    assert.equal(view?.endpoints[0]?.ejection, 'none');
  });

  it('answers 504 when the whole attempt outlasts timeouts.total', async () => {
    a.mode = 'hang';
    const res = await httpRequest(gw.port, '/capped');
    assert.equal(res.status, 504);
    assert.equal(res.json()['code'], 'SY_ERR_UPSTREAM_TIMEOUT');
    assert.match(String(res.json()['detail']), /timeouts\.total/);
  });
});
