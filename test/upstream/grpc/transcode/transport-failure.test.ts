// A transcoded call whose service cannot be reached, through the real gateway and transport:
// grpc-gateway's UNAVAILABLE (503, code 14) with the transport's own catalogue code and link in
// the chain, and the gateway still serving.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../../helpers/start-gateway.js';
import { httpRequest } from '../../../helpers/http-request.js';
import { freePort } from '../../../helpers/free-port.js';
import { FIXTURE } from './library-server.js';

let gw: TestGateway;

before(async () => {
  const closed = await freePort();
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  library:
    type: grpc
    endpoints: [h2c://127.0.0.1:${closed}]
    proto: { files: [library/v1/library.proto], importPaths: ['${FIXTURE}'] }
    transcode: true
routes: []
`);
});

after(() => gw?.stop());

test('an unreachable service is UNAVAILABLE, 503, with the transport failure in the chain', async () => {
  const res = await httpRequest(gw.port, '/v1/shelves/1/books/1');
  assert.equal(res.status, 503, res.text);
  const body = res.json();
  assert.equal(body.code, 14);
  assert.match(String(body.errorCode), /^SY_ERR_UPSTREAM_/);
  const chain = body.chain as { source: string; code: string }[];
  assert.ok(chain.some((l) => l.source === 'gateway' && l.code === body.errorCode), JSON.stringify(chain));
  // routing still answers on its own: no binding is 404 without a call
  assert.equal((await httpRequest(gw.port, '/v2/none')).status, 404);
});
