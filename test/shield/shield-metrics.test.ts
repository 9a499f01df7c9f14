// The shield's counters as Prometheus reads them from a real gateway's /metrics: a blocked request
// counts once in switchyard_shield_blocks_total under its rule and category and not in the
// log-only counter; a match in log mode counts in switchyard_shield_logged_total only, and the
// request still reaches the upstream. Routes to an http upstream turn the shield on with
// `shield: true` (block) and `shield: { mode: log }` (an object turns it on too, docs/shield.md).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';

let upstream: Server;
let reached = 0;
let gw: TestGateway;
let admin: string;

before(async () => {
  upstream = createServer((_req, res) => {
    reached++;
    res.end('ok');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
admin:
  listen: 127.0.0.1:0
upstreams:
  svc: { type: http, endpoints: ['http://127.0.0.1:${(upstream.address() as AddressInfo).port}'] }
routes:
  - get: /guarded
    to: svc
    shield: true
  - get: /watched
    to: svc
    shield: { mode: log }
`);
  admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
});

after(async () => {
  await gw.stop();
  await new Promise((resolve) => upstream.close(resolve));
});

/** The value of one sample of `/metrics`, 0 when the series is absent. */
async function sample(name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`)).text();
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    const have = inside.split(',');
    if (want.every((w) => have.includes(w)) && have.length === want.length) return Number(line.slice(line.indexOf('}') + 1).trim());
  }
  return 0;
}

test('a blocked request counts in switchyard_shield_blocks_total{rule,category}, not in the log-only counter', async () => {
  const labels = { rule: '933140', category: 'stream-wrapper' };
  const res = await fetch(`${gw.url}/guarded?page=php://input`);
  assert.equal(res.status, 403);
  assert.equal(((await res.json()) as { rule: number }).rule, 933140);
  assert.equal(await sample('switchyard_shield_blocks_total', labels), 1);
  assert.equal(await sample('switchyard_shield_logged_total', labels), 0);
  // A second block adds to the same series.
  assert.equal((await fetch(`${gw.url}/guarded?file=php://filter/resource=x`)).status, 403);
  assert.equal(await sample('switchyard_shield_blocks_total', labels), 2);
});

test('a match in log mode counts in switchyard_shield_logged_total only, and the request goes on', async () => {
  const labels = { rule: '930111', category: 'traversal' };
  const before = reached;
  const res = await fetch(`${gw.url}/watched?file=../../secret`);
  assert.equal(res.status, 200, await res.text());
  assert.equal(reached, before + 1, 'the logged request reached the upstream');
  assert.equal(await sample('switchyard_shield_logged_total', labels), 1);
  assert.equal(await sample('switchyard_shield_blocks_total', labels), 0);
});

test('a clean request counts nowhere', async () => {
  const blocks = await total('switchyard_shield_blocks_total');
  const logged = await total('switchyard_shield_logged_total');
  assert.equal((await fetch(`${gw.url}/guarded?q=hello`)).status, 200);
  assert.equal((await fetch(`${gw.url}/watched?q=hello`)).status, 200);
  assert.equal(await total('switchyard_shield_blocks_total'), blocks);
  assert.equal(await total('switchyard_shield_logged_total'), logged);
});

/** The sum of every series of one counter. */
async function total(name: string): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`))
    .reduce((n, l) => n + Number(l.slice(l.indexOf('}') + 1)), 0);
}
