// Slow-client deadlines beyond the header block: a body that stalls gets 408, an idle kept-alive
// connection is closed by the gateway, and neither affects a well-behaved client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { parseRawResponse, rawRequest } from '../helpers/raw-http.js';

let service: Server;
let gw: TestGateway;

before(async () => {
  service = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  gw = await startTestGateway(`listen: 127.0.0.1:0
timeouts: { headers: 300ms, body: 800ms, idle: 300ms }
accessLog: off
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}] }
routes:
  - post: /upload
    to: svc
  - get: /a
    to: svc
`);
});

after(async () => {
  await gw.stop();
  await new Promise((r) => service.close(r));
});

test('a body that stops arriving gets 408 problem+json and the connection is closed', async () => {
  const raw = await rawRequest(gw.url, ['POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-a-little']);
  const res = parseRawResponse(raw);
  assert.equal(res.status, 408);
  assert.equal(JSON.parse(res.body).code, 'SY_ERR_REQUEST_TIMEOUT');
  assert.equal((await fetch(`${gw.url}/a`)).status, 200, 'other clients are served');
});

test('an idle kept-alive connection is closed after timeouts.idle', async () => {
  // rawRequest resolves only when the server closes the connection: after one answered
  // request, only the idle timeout can close it.
  const raw = await rawRequest(gw.url, ['GET /a HTTP/1.1\r\nHost: x\r\n\r\n']);
  const res = parseRawResponse(raw);
  assert.equal(res.status, 200);
  assert.match(res.headers['keep-alive'] ?? '', /timeout=0|timeout=1/);
});
