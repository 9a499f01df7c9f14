// GET /ready on the admin listener: 200 while the gateway takes traffic, 503 from the moment it
// drains (a request still in flight keeps it draining), open like /healthz. In one process here;
// with `serve --workers N` in test/process/ready.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

let upstream: Server;
let gw: TestGateway;
let admin: string;
const held: ServerResponse[] = [];
let arrived: () => void = () => {};

before(async () => {
  // An upstream that holds every response until the test lets it go.
  upstream = createServer((_req, res) => {
    held.push(res);
    arrived();
  });
  upstream.listen(0, '127.0.0.1');
  await once(upstream, 'listening');
  gw = await startTestGateway(
    `listen: 127.0.0.1:0
accessLog: off
timeouts: { shutdown: 20s }
admin:
  listen: 127.0.0.1:0
  tokens: { read: r3ader, write: wr1ter }
upstreams:
  slow: { type: http, endpoints: [http://127.0.0.1:${(upstream.address() as AddressInfo).port}] }
routes:
  - get: /slow
    to: slow
`,
  );
  admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
});

after(async () => {
  for (const res of held) res.destroy();
  await gw.stop();
  upstream.close();
});

test('/ready answers 200 without a token while the gateway serves, and /healthz too', async () => {
  const ready = await fetch(`${admin}/ready`);
  assert.equal(ready.status, 200);
  assert.deepEqual(await ready.json(), { status: 'ready' });
  assert.equal((await fetch(`${admin}/healthz`)).status, 200);
});

test('/ready answers 503 problem+json while a stop drains an in-flight request, /healthz stays 200', async () => {
  const came = new Promise<void>((resolve) => (arrived = resolve));
  const inFlight = fetch(`${gw.url}/slow`);
  await came;
  const stopped = gw.running.stop();
  const draining = await fetch(`${admin}/ready`);
  assert.equal(draining.status, 503);
  assert.equal(draining.headers.get('content-type'), 'application/problem+json');
  assert.equal(((await draining.json()) as { code: string }).code, 'SY_ERR_SHUTTING_DOWN');
  assert.equal((await fetch(`${admin}/healthz`)).status, 200, 'alive while draining');
  // The request in flight still finishes, then the stop completes and the admin listener closes.
  held[0]?.end('done');
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'done');
  await stopped;
  await assert.rejects(fetch(`${admin}/ready`), 'the admin listener closes once the gateway stopped');
});
