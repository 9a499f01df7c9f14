// A reload keeps a running rollout when its canary and steps are unchanged (other keys, such as
// the interval, take effect), starts a new one when they change, and drops it with the route's
// rollout: key.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { startService, type Service } from './services.js';
import type { RolloutView } from '../../src/delivery/delivery.js';

let dir: string;
let baseline: Service;
let canary: Service;
let gateway: TestGateway;

const config = (rollout: string) => `
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
state: { store: 'file:${dir}/state' }
upstreams:
  old: { type: http, endpoints: [${baseline.url}] }
  new: { type: http, endpoints: [${canary.url}] }
routes:
  - get: /items
    name: items.show
    to: old
${rollout}`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-rollout-reload-'));
  baseline = await startService('baseline');
  canary = await startService('canary');
  gateway = await startTestGateway(config('    rollout: { canary: new, steps: [{ weight: 10, hold: 1h }, { weight: 40, hold: 1h }], interval: 100ms }'));
});

after(async () => {
  await gateway?.stop();
  await baseline?.close();
  await canary?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function rollouts(): Promise<RolloutView[]> {
  return ((await (await fetch(`${gateway.running.adminUrl}/admin/rollouts`)).json()) as { rollouts: RolloutView[] }).rollouts;
}

test('same canary and steps: the rollout runs on; new steps: a new rollout; no rollout: baseline only', async () => {
  assert.equal((await fetch(`${gateway.running.adminUrl}/admin/rollouts/items.show/promote`, { method: 'POST' })).status, 200);
  await gateway.reload(config('    rollout: { canary: new, steps: [{ weight: 10, hold: 1h }, { weight: 40, hold: 1h }], interval: 1s }'));
  assert.deepEqual((await rollouts()).map((r) => [r.step, r.weight]), [[1, 40]]);

  await gateway.reload(config('    rollout: { canary: new, steps: [{ weight: 20, hold: 1h }, { weight: 60, hold: 1h }], interval: 100ms }'));
  const fresh = (await rollouts())[0];
  assert.deepEqual([fresh?.state, fresh?.step, fresh?.weight, fresh?.decisions.filter((d) => d.by === 'operator').length], ['progressing', 0, 20, 0]);

  await gateway.reload(config(''));
  assert.deepEqual(await rollouts(), []);
  const answers = await Promise.all(Array.from({ length: 20 }, () => httpRequest(gateway.port, '/items')));
  assert.ok(answers.every((r) => r.headers['x-switchyard-canary'] === undefined && r.json<{ side: string }>().side === 'baseline'));
});
