// A client's X-Request-Id is kept only from 8 to 128 characters (src/listener/request-id.ts):
// each side of both bounds, as the client and the upstream see the id.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { startBackend, type Backend } from '../upstream/http/backend.js';

let svc: Backend;
let gw: TestGateway;

before(async () => {
  svc = await startBackend('svc');
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  svc: { type: http, endpoints: [${svc.url}] }
routes:
  - get: /a
    to: svc
`);
});

after(async () => {
  await gw.stop();
  await svc.close();
});

/** An id of exactly `length` characters, all of them allowed ones. */
const idOf = (length: number) => 'lb-0123456789abcdef'.repeat(10).slice(0, length);

const cases: [length: number, kept: boolean][] = [
  [7, false],
  [8, true],
  [128, true],
  [129, false],
];

for (const [length, kept] of cases) {
  test(`an X-Request-Id of ${length} characters is ${kept ? 'kept' : 'replaced'}`, async () => {
    const sent = idOf(length);
    assert.equal(sent.length, length);
    const res = await httpRequest(gw.port, '/a', { headers: { 'x-request-id': sent } });
    assert.equal(res.status, 200);
    const upstream = res.json<{ headers: Record<string, string> }>().headers['x-request-id'];
    assert.equal(upstream, res.headers['x-request-id'], 'the upstream gets the id the client is given');
    if (kept) assert.equal(res.headers['x-request-id'], sent);
    else assert.match(String(res.headers['x-request-id']), /^[0-9a-f]{32}$/, 'a fresh id instead');
  });
}
