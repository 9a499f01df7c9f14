// https:// endpoints of a grpc upstream: TLS with ALPN h2 to a grpc-js server holding a test
// certificate (test/fixtures/tls), checked against tls.ca and tls.serverName; an endpoint whose
// certificate the gateway cannot verify is a 502 SY_ERR_UPSTREAM_TLS.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { startEchoServer, type EchoReply, type EchoServer } from './echo-service.js';

const TLS = join(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/tls');
let echo: EchoServer;
let gw: TestGateway;

before(async () => {
  echo = await startEchoServer({ tls: { cert: await readFile(join(TLS, 'server.pem')), key: await readFile(join(TLS, 'server.key')) } });
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  trusted:
    type: grpc
    endpoints: [${echo.url}]
    tls: { ca: ${join(TLS, 'ca.pem')}, serverName: users.internal }
  untrusted:
    type: grpc
    endpoints: [${echo.url}]
routes:
  - post: /echo.v1.Echo/{method}
    to: trusted
  - post: /untrusted/echo.v1.Echo/{method}
    to: untrusted
`);
});

after(async () => {
  await gw?.stop();
  await echo?.stop();
});

test('a call reaches an https:// endpoint over TLS with the configured CA and server name', async () => {
  const client = echo.client(`127.0.0.1:${gw.port}`);
  try {
    const reply = await new Promise<EchoReply>((resolve, reject) => client['Say']!({ text: 'tls' }, (err: Error | null, r: EchoReply) => (err ? reject(err) : resolve(r))));
    assert.equal(reply.text, 'hello tls');
  } finally {
    client.close();
  }
  const view = gw.running.gateway.runtime.upstreams.get('trusted')?.describe?.();
  assert.equal(view?.connections.length, 1, 'one TLS session in the connection table');
});

test('an endpoint whose certificate cannot be verified is a 502 SY_ERR_UPSTREAM_TLS', async () => {
  const res = await httpRequest(gw.port, '/untrusted/echo.v1.Echo/Say', { method: 'POST', headers: { 'content-type': 'application/grpc-web' }, body: Buffer.alloc(5) });
  assert.equal(res.status, 502);
  assert.equal(res.json()['code'], 'SY_ERR_UPSTREAM_TLS');
});
