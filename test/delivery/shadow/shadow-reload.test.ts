// A reload that leaves a route's shadow: as it was keeps what the shadow has counted (as an
// unchanged upstream keeps its pool); one that changes it starts counting afresh.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import type { ShadowView } from '../../../src/delivery/shadow/shadow-view.js';

let baseline: Server;
let target: Server;
let gw: TestGateway;
let admin: string;

const config = (timeout: string) => `listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  old: { type: http, endpoints: ['http://127.0.0.1:${(baseline.address() as AddressInfo).port}'] }
  new: { type: http, endpoints: ['http://127.0.0.1:${(target.address() as AddressInfo).port}'] }
routes:
  - get: /items/{id}
    name: items.show
    to: old
    shadow: { to: new, timeout: ${timeout} }
`;

before(async () => {
  baseline = createServer((_req, res) => res.end('{"price":10}'));
  target = createServer((_req, res) => res.end('{"price":11}'));
  await Promise.all([baseline, target].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  gw = await startTestGateway(config('2s'));
  admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
});

after(async () => {
  await gw?.stop();
  await Promise.all([baseline, target].map((s) => new Promise((r) => s?.close(r))));
});

const compared = async () => ((await (await fetch(`${admin}/admin/shadow`)).json()) as ShadowView).routes[0]?.compared ?? -1;

async function send(n: number, expected: number): Promise<void> {
  for (let i = 0; i < n; i++) assert.equal((await httpRequest(gw.port, `/items/${i}`)).text, '{"price":10}');
  assert.ok(await until(async () => (await compared()) === expected), `compared reaches ${expected}`);
}

test('an unchanged shadow keeps its counts over a reload; a changed one starts again', async () => {
  await send(3, 3);
  await gw.reload(config('2s'));
  assert.equal(await compared(), 3);
  await send(2, 5);
  await gw.reload(config('3s'));
  assert.equal(await compared(), 0);
  await send(1, 1);
});
