/**
 * Zone and priority failover with two groups of services: priority 0 (zones z1 and z2) and
 * priority 1 (a second cluster). Traffic stays in the local zone while it is healthy, moves to
 * the other zone of the same priority when the local one is not, and to priority 1 only when
 * priority 0 has nothing left; it comes back as soon as the local zone is healthy again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { startBackend, type Backend } from './backend.js';

describe('zones and priorities', () => {
  let local: Backend;
  let remote: Backend;
  let second1: Backend;
  let second2: Backend;
  let gw: TestGateway;

  const servedBy = async (n: number) => {
    const out = new Set<string>();
    for (let i = 0; i < n; i++) out.add(String((await httpRequest(gw.port, '/z')).headers['x-backend']));
    return [...out].sort();
  };
  const healthy = (backend: Backend, want: boolean) =>
    until(() => {
      const view = gw.running.gateway.runtime.upstreams.get('svc')?.describe?.();
      return view?.endpoints.find((e) => e.url === backend.url)?.healthy === want;
    });

  before(async () => {
    [local, remote, second1, second2] = await Promise.all([startBackend('local'), startBackend('remote'), startBackend('second-1'), startBackend('second-2')]);
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  svc:
    type: http
    localZone: z1
    endpoints:
      - { url: ${local.url}, zone: z1 }
      - { url: ${remote.url}, zone: z2 }
      - { url: ${second1.url}, priority: 1 }
      - { url: ${second2.url}, priority: 1 }
    healthCheck: { path: /healthz, interval: 20ms, healthyThreshold: 1, unhealthyThreshold: 1 }
routes:
  - get: /z
    to: svc
`);
  });
  after(async () => {
    await gw.stop();
    await Promise.all([local, remote, second1, second2].map((b) => b.close()));
  });

  it('keeps traffic in the local zone while it is healthy', async () => {
    assert.deepEqual(await servedBy(8), ['local']);
  });

  it('moves to the other zone when the local zone fails, spilling only what priority 0 cannot take', async () => {
    local.health = 500;
    assert.ok(await healthy(local, false));
    // Priority 0 is half healthy: it keeps 70% of traffic (1/2 x 1.4), the rest spills to
    // priority 1, as Envoy's priority load does.
    const served = await servedBy(30);
    assert.ok(!served.includes('local'));
    assert.ok(served.includes('remote'));
  });

  it('fails over to the next priority when the first has nothing healthy', async () => {
    remote.health = 500;
    assert.ok(await healthy(remote, false));
    assert.deepEqual(await servedBy(8), ['second-1', 'second-2']);
  });

  it('comes back to the local zone when it recovers', async () => {
    local.health = 200;
    remote.health = 200;
    assert.ok(await healthy(local, true));
    assert.ok(await healthy(remote, true));
    assert.deepEqual(await servedBy(8), ['local']);
  });
});
