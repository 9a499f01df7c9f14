/**
 * Endpoint health as a user watches it through GET /admin/upstreams and the responses: an
 * endpoint answering 503s is ejected and traffic moves to the other; when its ejection time is up
 * it comes back half-open and one good answer makes it whole. Active health checks take a failing
 * endpoint out and put it back. With nothing healthy left the answer is 503 at once.
 *
 * No assertion depends on how fast the machine is: what must hold while an endpoint is ejected is
 * checked on an upstream whose ejection outlasts the test, and the return from ejection is awaited
 * (the ejection logged, then the half-open state) rather than expected within a time window.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { startBackend, type Backend } from './backend.js';
import type { UpstreamView } from '../../../src/cluster/upstream-view.js';

describe('endpoint health', () => {
  let a: Backend;
  let b: Backend;
  let solo: Backend;
  let gw: TestGateway;
  let admin: string;

  const view = async (name: string): Promise<UpstreamView> => {
    const res = await fetch(`${admin}/admin/upstreams`);
    const body = (await res.json()) as { upstreams: UpstreamView[] };
    return body.upstreams.find((u) => u.name === name) as UpstreamView;
  };
  const endpoint = async (name: string, backend: Backend) => (await view(name)).endpoints.find((e) => e.url === backend.url);
  const servedBy = async (path: string, n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(String((await httpRequest(gw.port, path)).headers['x-backend']));
    return out;
  };

  before(async () => {
    [a, b, solo] = await Promise.all([startBackend('a'), startBackend('b'), startBackend('solo')]);
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  passive:
    type: http
    endpoints: [${a.url}, ${b.url}]
    outlierDetection: { consecutive5xx: 2, baseEjectionTime: 1h, maxEjectionPercent: 50 }
    retry: { attempts: 1 }
  probation:
    type: http
    endpoints: [${a.url}, ${b.url}]
    outlierDetection: { consecutive5xx: 2, baseEjectionTime: 300ms, maxEjectionPercent: 50 }
    retry: { attempts: 1 }
  active:
    type: http
    endpoints: [${a.url}, ${b.url}]
    healthCheck: { path: /healthz, interval: 20ms, healthyThreshold: 1, unhealthyThreshold: 1 }
    outlierDetection: { consecutive5xx: 0, consecutiveGatewayFailure: 0 }
  lonely:
    type: http
    endpoints: [${solo.url}]
    healthCheck: { path: /healthz, interval: 20ms, healthyThreshold: 1, unhealthyThreshold: 2 }
routes:
  - get: /passive
    to: passive
  - get: /probation
    to: probation
  - get: /active
    to: active
  - get: /lonely
    to: lonely
`);
    admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
  });
  after(async () => {
    await gw.stop();
    await Promise.all([a.close(), b.close(), solo.close()]);
  });

  it('ejects an endpoint after consecutive 5xx and sends it nothing while it is ejected', async () => {
    a.mode = '503';
    try {
      const first = await servedBy('/passive', 4);
      assert.deepEqual(first, ['a', 'b', 'a', 'b'], 'a answered twice (503) before being ejected');
      const ejected = await endpoint('passive', a);
      assert.equal(ejected?.ejection, 'ejected');
      assert.equal(ejected?.ejections, 1);
      assert.deepEqual(await servedBy('/passive', 4), ['b', 'b', 'b', 'b'], 'no traffic to an ejected endpoint');
      assert.equal((await view('passive')).ejectionsTotal?.['consecutive-5xx'], 1);
    } finally {
      a.mode = 'ok';
    }
  });

  it('brings an ejected endpoint back half-open when its time is up, and one good answer makes it whole', async () => {
    a.mode = '503';
    assert.deepEqual(await servedBy('/probation', 3), ['a', 'b', 'a'], 'a answered twice (503)');
    a.mode = 'ok';
    const ejectedA = (l: Record<string, unknown>) => l['msg'] === 'endpoint ejected' && l['upstream'] === 'probation' && l['endpoint'] === a.url;
    assert.ok(await until(() => gw.logs().some(ejectedA)), 'the second 503 ejected a');
    assert.equal(gw.logs().find(ejectedA)?.['reason'], 'consecutive-5xx');
    // Half-open lasts until a request reaches a, and none is sent while waiting.
    assert.ok(await until(async () => (await endpoint('probation', a))?.ejection === 'half-open'), 'back on probation after baseEjectionTime');
    const after = await servedBy('/probation', 4);
    assert.ok(after.includes('a'), 'a takes traffic again');
    assert.equal((await endpoint('probation', a))?.ejection, 'none', 'one good answer closed the probation');
    assert.equal((await view('probation')).ejectionsTotal?.['consecutive-5xx'], 1);
  });

  it('takes an endpoint out when its health check fails and puts it back when it passes', async () => {
    a.health = 500;
    assert.ok(await until(async () => (await endpoint('active', a))?.healthy === false));
    assert.equal((await endpoint('active', a))?.lastProbe, '500');
    assert.deepEqual(await servedBy('/active', 4), ['b', 'b', 'b', 'b']);
    a.health = 200;
    assert.ok(await until(async () => (await endpoint('active', a))?.healthy === true));
    assert.ok((await servedBy('/active', 4)).includes('a'));
  });

  it('answers 503 at once when no endpoint is healthy', async () => {
    solo.health = 503;
    assert.ok(await until(async () => (await endpoint('lonely', solo))?.healthy === false));
    const res = await httpRequest(gw.port, '/lonely');
    assert.equal(res.status, 503);
    assert.equal(res.json()['code'], 'SY_ERR_UPSTREAM_UNAVAILABLE');
    assert.equal(res.headers['retry-after'], '1');
    solo.health = 200;
    assert.ok(await until(async () => (await endpoint('lonely', solo))?.healthy === true));
    assert.equal((await httpRequest(gw.port, '/lonely')).status, 200);
  });

  it('lists every connection with its state, requests and bytes', async () => {
    await httpRequest(gw.port, '/lonely');
    const v = await view('lonely');
    const conn = v.connections.find((c) => c.endpoint === solo.url);
    assert.ok(conn, 'the kept-alive connection is in the table');
    assert.equal(conn.state, 'idle');
    assert.ok(conn.requests >= 1);
    assert.ok(conn.bytesOut > 0 && conn.bytesIn > 0);
    assert.ok(v.counters.opened >= 1);
  });
});
