// `GET /admin/shield` on a real gateway: the rules with the mode the config gives them, and the
// recent blocks (time, rule, category, route, request id, part), newest KEEP only; a match in log
// mode is not a block. The merge the primary of `serve --workers N` does is checked on its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { RULES } from '../../src/shield/catalogue.js';
import { KEEP, type ShieldBlock } from '../../src/shield/shield-blocks.js';
import type { ShieldView } from '../../src/admin/shield.js';
import { mergeShieldViews } from '../../src/process/merged-shield.js';

let upstream: Server;
let gw: TestGateway;
let admin: string;

before(async () => {
  upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
admin:
  listen: 127.0.0.1:0
shield:
  rules:
    193011: log
    933150: block
upstreams:
  svc: { type: http, endpoints: ['http://127.0.0.1:${(upstream.address() as AddressInfo).port}'] }
routes:
  - get: /guarded
    to: svc
    name: guarded
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

const view = async () => (await (await fetch(`${admin}/admin/shield`)).json()) as ShieldView;

test('every rule with its category, level and the mode the top-level shield: gives it', async () => {
  const { rules } = await view();
  assert.deepEqual(
    rules.map((r) => [r.id, r.category, r.paranoia]),
    RULES.map((r) => [r.id, r.category, r.paranoia]),
  );
  const mode = new Map(rules.map((r) => [r.id, r.mode]));
  assert.equal(mode.get(193011), 'log');
  assert.equal(mode.get(933150), 'block', 'a paranoia-2 rule named in rules');
  assert.equal(mode.get(933140), 'block');
});

test('a block is listed with its time, rule, category, route, request id and part; a logged match is not', async () => {
  const res = await fetch(`${gw.url}/guarded?page=php://input`);
  assert.equal(res.status, 403);
  const problem = (await res.json()) as { requestId: string };
  assert.equal((await fetch(`${gw.url}/watched?page=php://input`)).status, 200);
  const { blocks } = await view();
  const mine = blocks.filter((b) => b.requestId === problem.requestId);
  assert.equal(mine.length, 1, JSON.stringify(blocks));
  const [block] = mine as [ShieldBlock];
  assert.deepEqual({ ...block, time: undefined }, { time: undefined, rule: 933140, category: 'stream-wrapper', route: 'guarded', requestId: problem.requestId, part: 'ARGS:page' });
  assert.ok(Math.abs(Date.parse(block.time) - Date.now()) < 60_000, block.time);
  assert.equal(blocks.filter((b) => b.route === '/watched').length, 0, 'log mode is not a block');
});

test(`only the newest ${KEEP} blocks are kept, oldest first`, async () => {
  const ids: string[] = [];
  for (let i = 0; i < KEEP + 5; i++) {
    const res = await fetch(`${gw.url}/guarded?f=../../etc/passwd&n=${i}`);
    assert.equal(res.status, 403);
    ids.push(((await res.json()) as { requestId: string }).requestId);
  }
  const { blocks } = await view();
  assert.equal(blocks.length, KEEP);
  assert.deepEqual(
    blocks.map((b) => b.requestId),
    ids.slice(-KEEP),
  );
});

test('the primary merges workers: rules once, the newest blocks across them in time order', () => {
  const block = (time: string, requestId: string): ShieldBlock => ({ time, rule: 930111, category: 'traversal', route: 'r', requestId, part: 'ARGS:f' });
  const rules = [{ id: 930111, category: 'traversal', paranoia: 1, mode: 'block' }];
  const a = Array.from({ length: KEEP }, (_, i) => block(new Date(Date.UTC(2024, 0, 1, 0, 0, i * 2)).toISOString(), `a${i}`));
  const b = Array.from({ length: 3 }, (_, i) => block(new Date(Date.UTC(2024, 0, 1, 0, 10, i)).toISOString(), `b${i}`));
  const merged = mergeShieldViews([
    { rules, blocks: a },
    { rules, blocks: b },
  ]);
  assert.deepEqual(merged.rules, rules);
  assert.equal(merged.blocks.length, KEEP);
  assert.deepEqual(
    merged.blocks.slice(-4).map((x) => x.requestId),
    [`a${KEEP - 1}`, 'b0', 'b1', 'b2'],
  );
  assert.equal(merged.blocks[0]?.requestId, 'a3');
});
