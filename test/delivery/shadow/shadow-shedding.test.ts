// The shadow gives way to clients: while the route's requests overlap and the event loop is
// busy, exactly one request in UNDER_LOAD (64) is copied and the others count as noData.busy; a request that
// overlaps no other is copied even on a busy loop. The gateway runs in this process, so keeping
// this process's loop busy is keeping the gateway's loop busy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { eventLoopLoad } from '../../../src/delivery/shadow/event-loop-load.js';
import { UNDER_LOAD } from '../../../src/delivery/shadow/route-shadow.js';
import type { ShadowRouteView, ShadowView } from '../../../src/delivery/shadow/shadow-view.js';

/** Requests sent at once; the baseline answers none of them before all have arrived. */
const CROWD = 2 * UNDER_LOAD;

let baseline: Server;
let target: Server;
let gw: TestGateway;
let admin: string;
const held: ServerResponse[] = [];
let spinning = false;

before(async () => {
  baseline = createServer((req, res) => {
    if (!(req.url ?? '').startsWith('/crowd/')) return void res.end('{"price":10}');
    held.push(res);
    if (held.length === CROWD) for (const r of held.splice(0)) r.end('{"price":10}');
  });
  target = createServer((_req, res) => res.end('{"price":10}'));
  await Promise.all([baseline, target].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  old: { type: http, endpoints: ['http://127.0.0.1:${(baseline.address() as AddressInfo).port}'] }
  new: { type: http, endpoints: ['http://127.0.0.1:${(target.address() as AddressInfo).port}'] }
routes:
  - get: /{kind}/{id}
    name: items.show
    to: old
    shadow: { to: new }
`);
  admin = `http://127.0.0.1:${(gw.running.admin?.address() as AddressInfo).port}`;
});

after(async () => {
  spinning = false;
  await gw?.stop();
  await Promise.all([baseline, target].map((s) => new Promise((r) => s?.close(r))));
});

/** Keeps the loop busy in short slices, letting I/O through between them, until stopped. */
function spin(): void {
  spinning = true;
  const slice = () => {
    if (!spinning) return;
    const until = performance.now() + 5;
    while (performance.now() < until);
    setImmediate(slice);
  };
  setImmediate(slice);
}

async function report(): Promise<ShadowRouteView> {
  const view = (await (await fetch(`${admin}/admin/shadow`)).json()) as ShadowView;
  return view.routes[0] as ShadowRouteView;
}

const settled = (r: ShadowRouteView) => r.compared + r.noData.busy + r.noData.timeout + r.noData.failed + r.noData.overCapacity + r.noData.tooLarge;

test(`on a busy loop, overlapping requests are copied one in ${UNDER_LOAD} and the rest count as busy; a lone request is copied`, async () => {
  spin();
  // The loop's load is smoothed over its last windows: let it see the busy loop for a while.
  assert.ok(await until(() => eventLoopLoad.utilization() > 0.5, 10_000), 'the loop counts as busy');
  const answers = await Promise.all(Array.from({ length: CROWD }, (_, i) => httpRequest(gw.port, `/crowd/${i}`)));
  for (const a of answers) assert.equal(a.text, '{"price":10}');
  let r = await report();
  assert.ok(await until(async () => settled((r = await report())) === CROWD), JSON.stringify(r));
  // Of the requests that overlapped (all but the first, or all, depending on whether the first
  // was still alone when it arrived), exactly two are copied (one in UNDER_LOAD), and the first
  // if alone.
  assert.ok(await until(async () => (r = await report()).compared + r.noData.busy === CROWD && r.noData.busy > 0), JSON.stringify(r));
  const crowdCopied = r.compared;
  assert.ok(crowdCopied === 2 || crowdCopied === 3, JSON.stringify(r));
  assert.equal(r.noData.busy, CROWD - crowdCopied);
  // Once the overlap is over (100 ms), a lone request is copied however busy the loop is.
  const overlapEnded = performance.now() + 150;
  await until(() => performance.now() > overlapEnded);
  assert.ok(eventLoopLoad.utilization() > 0.3, 'the loop is still busy');
  assert.equal((await httpRequest(gw.port, '/lone/1')).text, '{"price":10}');
  assert.ok(await until(async () => (r = await report()).compared === crowdCopied + 1), JSON.stringify(r));
  assert.equal(r.noData.busy, CROWD - crowdCopied);
  spinning = false;
});
