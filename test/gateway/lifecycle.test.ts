// Graceful stop and hot reload, as an operator sees them: in-flight requests finish, a bad new
// config is rejected while the old one keeps serving, a good one takes effect for new requests.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { startTestGateway } from '../helpers/start-gateway.js';

let service: Server;
let serviceUrl: string;
let releaseSlow: (() => void) | undefined;
let slowArrived: (() => void) | undefined;

before(async () => {
  service = createServer((req, res) => {
    if (req.url === '/slow') {
      slowArrived?.();
      releaseSlow = () => res.end('finished');
      return;
    }
    res.end(`hello from ${req.url}`);
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});
after(() => new Promise((r) => service.close(r)));

const config = (extra = '') => `
listen: 127.0.0.1:0
timeouts: { shutdown: 5s }
upstreams:
  svc: { type: http, endpoints: [${serviceUrl}] }
routes:
  - get: /slow
    to: svc
  - get: /a
    to: svc
${extra}`;

test('stop lets an in-flight request finish and refuses new connections', async () => {
  const gw = await startTestGateway(config());
  const arrived = new Promise<void>((r) => (slowArrived = r));
  const inFlight = fetch(`${gw.url}/slow`);
  await arrived;
  const stopping = gw.stop();
  // The listener is closed at once: a new connection is refused while the old request runs.
  await assert.rejects(fetch(`${gw.url}/a`));
  releaseSlow?.();
  const res = await inFlight;
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'finished');
  await stopping;
});

test('reload: a bad config is rejected and the old one keeps serving; a good one applies', async () => {
  const gw = await startTestGateway(config());
  try {
    assert.equal((await fetch(`${gw.url}/b`)).status, 404);
    await gw.reload(config('  - get: /b\n    to: nowhere\n'));
    const rejected = gw.logs().find((l) => l['msg'] === 'reload rejected, keeping the running configuration');
    assert.ok(rejected, 'the rejection is logged');
    assert.match(String((rejected['problems'] as string[])[0]), /routes\[2\]\.to: unknown upstream 'nowhere'/);
    assert.equal((await fetch(`${gw.url}/a`)).status, 200, 'old config still serves');
    await gw.reload(config('  - get: /b\n    to: svc\n'));
    const res = await fetch(`${gw.url}/b`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello from /b');
  } finally {
    await gw.stop();
  }
});

test('a request in flight during reload finishes on the config it started with', async () => {
  const gw = await startTestGateway(config());
  try {
    const arrived = new Promise<void>((r) => (slowArrived = r));
    const inFlight = fetch(`${gw.url}/slow`);
    await arrived;
    await gw.reload(config().replace('  - get: /slow\n    to: svc\n', ''));
    assert.equal(gw.logs().find((l) => l['msg'] === 'reload rejected, keeping the running configuration'), undefined);
    assert.equal((await fetch(`${gw.url}/slow`)).status, 404, 'new requests see the new config');
    releaseSlow?.();
    assert.equal(await (await inFlight).text(), 'finished');
  } finally {
    await gw.stop();
  }
});


test('listens on a unix socket beside TCP, as nginx `listen unix:` does', async () => {
  const socketDir = await mkdtemp(join(tmpdir(), 'sy-sock-'));
  const socketPath = join(socketDir, 'gw.sock');
  const gw = await startTestGateway(config().replace('listen: 127.0.0.1:0', `listen: [127.0.0.1:0, 'unix:${socketPath}']`));
  try {
    assert.deepEqual(gw.running.gateway.urls()[1], `unix:${socketPath}`);
    const dispatcher = new Agent({ connect: { socketPath } });
    const res = await request('http://localhost/a', { dispatcher });
    assert.equal(await res.body.text(), 'hello from /a');
    await dispatcher.close();
  } finally {
    await gw.stop();
  }
});
