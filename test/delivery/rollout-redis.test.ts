// Two gateway instances run one rollout through a real Redis: neither alone sees minSamples
// canary responses in the step, together they do, and the step advances once (one instance holds
// the lease and steps, both follow). One instance is then restarted mid-rollout and resumes at
// the step Redis holds; an operator's abort on one reaches the other's traffic within a second.
// With Redis gone, traffic keeps the weight last read and an action answers 503.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { until } from '../helpers/until.js';
import { startRedis, type TestRedis } from '../plugins/redis-server.js';
import { startService, type Service } from './services.js';
import type { RolloutView } from '../../src/delivery/delivery.js';

let redis: TestRedis;
let baseline: Service;
let canary: Service;
let a: TestGateway;
let b: TestGateway;
let config: string;

before(async () => {
  redis = await startRedis();
  baseline = await startService('baseline');
  canary = await startService('canary');
  config = `
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
state: { store: ${redis.url} }
upstreams:
  old: { type: http, endpoints: [${baseline.url}] }
  new: { type: http, endpoints: [${canary.url}] }
routes:
  - get: /items
    name: items.show
    to: old
    rollout:
      canary: new
      steps: [{ weight: 50, minSamples: 120 }, { weight: 80, hold: 1h }, { weight: 100 }]
      interval: 100ms
`;
  a = await startTestGateway(config);
  b = await startTestGateway(config);
});

after(async () => {
  await a?.stop();
  await b?.stop();
  await baseline?.close();
  await canary?.close();
  await redis?.stop();
});

const weightIn = (g: TestGateway) => g.running.gateway.runtime.delivery.runner('items.show')?.weight;

async function view(g: TestGateway): Promise<RolloutView> {
  const res = await fetch(`${g.running.adminUrl}/admin/rollouts`);
  return ((await res.json()) as { rollouts: RolloutView[] }).rollouts[0] as RolloutView;
}

async function send(g: TestGateway, n: number): Promise<number> {
  let toCanary = 0;
  for (let i = 0; i < n; i++) if ((await httpRequest(g.port, '/items')).headers['x-switchyard-canary'] === '1') toCanary++;
  return toCanary;
}

test('samples from both instances add up to the step, which advances once, and both follow', async () => {
  assert.ok(await until(() => weightIn(a) === 50 && weightIn(b) === 50, 5_000), 'both instances read the first step from Redis');
  // About 85 canary responses each (sd 6.5): below minSamples alone, above it together.
  const seenA = await send(a, 170);
  const seenB = await send(b, 170);
  assert.ok(seenA < 120 && seenB < 120, `${seenA} and ${seenB} canary responses`);
  assert.ok(await until(() => weightIn(a) === 80 && weightIn(b) === 80, 5_000), `both follow the advance: ${weightIn(a)}, ${weightIn(b)}`);
  const [va, vb] = [await view(a), await view(b)];
  assert.deepEqual([va.step, vb.step], [1, 1]);
  // One record, read by both (the later read may have one more look).
  const shorter = Math.min(va.decisions.length, vb.decisions.length);
  assert.deepEqual(va.decisions.slice(0, shorter), vb.decisions.slice(0, shorter));
  const advances = va.decisions.filter((d) => d.action === 'advance');
  assert.equal(advances.length, 1, 'one instance stepped');
  assert.match(advances[0]?.detail ?? '', /^(\d+) canary responses in the step$/);
  assert.ok(Number(/^(\d+)/.exec(advances[0]?.detail ?? '')?.[1]) >= 120);
});

test('an instance restarted mid-rollout resumes at the step Redis holds; an abort on one reaches the other', async () => {
  await b.stop();
  b = await startTestGateway(config);
  assert.ok(await until(() => weightIn(b) === 80, 5_000), `the restarted instance reads step 2: ${weightIn(b)}`);
  const share = (await send(b, 100)) / 100;
  assert.ok(share > 0.6 && share < 0.95, `80% step gave the canary ${share}`);
  const abort = await fetch(`${b.running.adminUrl}/admin/rollouts/items.show/abort`, { method: 'POST' });
  assert.equal(abort.status, 200);
  assert.ok(await until(() => weightIn(a) === 0, 3_000), 'the other instance follows the abort');
  assert.equal(await send(a, 50), 0);
  assert.equal((await view(a)).state, 'aborted');
});

test('with Redis down, traffic keeps flowing at the last weight and an action is a 503 SY_ERR_ROLLOUT_STORE', async () => {
  await redis.stop();
  const res = await fetch(`${a.running.adminUrl}/admin/rollouts/items.show/resume`, { method: 'POST' });
  assert.equal(res.status, 503);
  assert.equal(((await res.json()) as { code: string }).code, 'SY_ERR_ROLLOUT_STORE');
  const answers = await Promise.all(Array.from({ length: 20 }, () => httpRequest(a.port, '/items')));
  assert.ok(answers.every((r) => r.status === 200 && r.headers['x-switchyard-canary'] === '0'));
  assert.equal(weightIn(a), 0);
});
