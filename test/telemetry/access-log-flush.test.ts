// The access log on a quiet site: a single request's line reaches the file within about a
// second, without waiting for 4 KiB of lines or for the gateway to stop (`tail -f` and the
// demo's "try: switchyard logs" read it while the gateway runs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { until } from '../helpers/until.js';

let service: Server;
let gw: TestGateway;

before(async () => {
  service = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  const svc = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: ./access.log
upstreams:
  svc: { type: http, endpoints: [${svc}] }
routes:
  - get: /quiet
    to: svc
`);
});

after(async () => {
  await gw?.stop();
  await new Promise((r) => service.close(r));
});

const lines = async () => (await readFile(join(gw.dir, 'access.log'), 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');

test('one request on a quiet site is in the file while the gateway runs', async () => {
  assert.equal((await fetch(`${gw.url}/quiet`)).status, 200);
  assert.ok(await until(async () => (await lines()).length === 1, 5_000), 'the line was written without a stop or 4 KiB of traffic');
  const line = JSON.parse((await lines())[0] as string) as Record<string, unknown>;
  assert.equal(line['path'], '/quiet');
  assert.equal(line['status'], 200);
  assert.equal((await fetch(`${gw.url}/quiet?again=1`)).status, 200);
  assert.ok(await until(async () => (await lines()).length === 2, 5_000), 'a later quiet request is flushed too');
});
