/**
 * Circuit breaking: past `maxRequests` in flight a request is refused at once with 503 and the
 * overflow is counted, instead of piling onto an endpoint that is not answering.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { startBackend, type Backend } from './backend.js';

let svc: Backend;
let gw: TestGateway;

before(async () => {
  svc = await startBackend('svc');
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  svc:
    type: http
    endpoints: [${svc.url}]
    circuitBreaker: { maxRequests: 1 }
    timeouts: { firstByte: 1s }
routes:
  - get: /slow
    to: svc
`);
});
after(async () => {
  await gw.stop();
  await svc.close();
});

it('refuses a request beyond maxRequests at once and counts it', async () => {
  svc.mode = 'hang';
  const first = httpRequest(gw.port, '/slow');
  const view = () => gw.running.gateway.runtime.upstreams.get('svc')?.describe?.();
  assert.ok(await until(() => view()?.circuitBreaker?.current.requests === 1));
  const second = await httpRequest(gw.port, '/slow');
  assert.equal(second.status, 503);
  assert.equal(second.json()['code'], 'SY_ERR_UPSTREAM_CIRCUIT_OPEN');
  assert.equal(view()?.circuitBreaker?.overflows['requests'], 1);
  assert.equal((await first).status, 504, 'the hung request still ends, at timeouts.firstByte');
  svc.mode = 'ok';
  assert.equal((await httpRequest(gw.port, '/slow')).status, 200, 'the slot is free again');
});
