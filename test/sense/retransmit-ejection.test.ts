// Retransmits the sensor reports on connections to an endpoint feed outlier detection: at
// `outlierDetection.retransmits` within an interval the endpoint is ejected (reason
// `retransmits`), traffic moves to the other. Loopback does not lose packets, so the events are
// posted as the sensor posts them, to a real gateway in front of real services.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { isEndpoint } from '../../src/sense/feed-clusters.js';
import type { UpstreamView } from '../../src/cluster/upstream-view.js';

let gw: TestGateway;
let admin: string;
const servers: Server[] = [];
const ports: number[] = [];

before(async () => {
  for (const name of ['a', 'b']) {
    const server = createServer((_req, res) => res.setHeader('x-backend', name).end(name));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.push((server.address() as AddressInfo).port);
  }
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0, token: t0k }
sense: {}
upstreams:
  svc:
    type: http
    endpoints: [http://127.0.0.1:${ports[0]}, http://127.0.0.1:${ports[1]}]
    outlierDetection: { retransmits: 3, baseEjectionTime: 10m, maxEjectionPercent: 50 }
routes:
  - get: /
    to: svc
`);
  admin = gw.running.adminUrl as string;
});
after(async () => {
  await gw.stop();
  for (const s of servers) await new Promise((resolve) => s.close(resolve));
});

const post = async (events: unknown[]) => {
  const res = await fetch(`${admin}/admin/sense`, { method: 'POST', headers: { authorization: 'Bearer t0k', 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
  return { status: res.status, body: (await res.json()) as { events?: unknown[]; code?: string } };
};
const retransmit = (port: number, address = '127.0.0.1') => ({ kind: 'retransmit', pid: 0, comm: 'swapper/0', command: null, port, from: 'ESTABLISHED', to: null, child: null, address });
const svc = async () => ((await (await fetch(`${admin}/admin/upstreams`, { headers: { authorization: 'Bearer t0k' } })).json()) as { upstreams: UpstreamView[] }).upstreams[0] as UpstreamView;

test('retransmits to another address or port do not count; the third to an endpoint ejects it', async () => {
  const [a, b] = ports as [number, number];
  assert.equal((await post([retransmit(a, '10.9.9.9'), retransmit(b + 1), retransmit(a), retransmit(a)])).status, 200);
  assert.ok((await svc()).endpoints.every((e) => e.ejection === 'none'));
  const { body } = await post([retransmit(a)]);
  assert.equal(body.events?.length, 1);
  const view = await svc();
  assert.equal(view.ejectionsTotal?.['retransmits'], 1);
  assert.deepEqual(view.endpoints.map((e) => e.ejection), ['ejected', 'none']);
  for (let i = 0; i < 4; i++) assert.equal(await (await fetch(`${gw.url}/`)).text(), 'b');
});

test('the events are listed at GET /admin/sense as posted, with null where they say nothing', async () => {
  const res = await fetch(`${admin}/admin/sense`, { headers: { authorization: 'Bearer t0k' } });
  const { events } = (await res.json()) as { events: Record<string, unknown>[] };
  assert.equal(events.length, 5);
  assert.deepEqual({ ...events[4], time: 'x' }, { ...retransmit(ports[0] as number), time: 'x', requestId: null });
});

test('a malformed post is a 400 naming the event and changes nothing', async () => {
  for (const [body, expected] of [
    ['not json', /takes JSON/],
    [JSON.stringify({ events: {} }), /must be an array/],
    [JSON.stringify({ events: [{ ...retransmit(1), kind: 'open' }] }), /events\[0\]: kind must be one of/],
    [JSON.stringify({ events: [{ ...retransmit(1), port: '80' }] }), /events\[0\]: port must be an integer/],
  ] as const) {
    const res = await fetch(`${admin}/admin/sense`, { method: 'POST', headers: { authorization: 'Bearer t0k' }, body });
    const problem = (await res.json()) as { code: string; detail: string };
    assert.equal(res.status, 400);
    assert.equal(problem.code, 'SY_ERR_ADMIN_BAD_BODY');
    assert.match(problem.detail, expected);
  }
  const listed = (await (await fetch(`${admin}/admin/sense`, { headers: { authorization: 'Bearer t0k' } })).json()) as { events: unknown[] };
  assert.equal(listed.events.length, 5);
});

test('an endpoint is recognised by port, and by address when its URL names an IP', () => {
  const table: [string, string | null, number, boolean][] = [
    ['http://127.0.0.1:8081', '127.0.0.1', 8081, true],
    ['http://127.0.0.1:8081', '127.0.0.2', 8081, false],
    ['http://127.0.0.1:8081', '127.0.0.1', 8082, false],
    ['http://127.0.0.1:8081', '::ffff:127.0.0.1', 8081, true],
    ['http://[::1]:8081', '::1', 8081, true],
    ['http://users.internal:8081', '10.0.0.7', 8081, true],
    ['http://users.internal', '10.0.0.7', 80, true],
    ['https://users.internal', '10.0.0.7', 443, true],
  ];
  for (const [url, address, port, expected] of table) assert.equal(isEndpoint(url, address, port), expected, `${url} vs ${address}:${port}`);
});
