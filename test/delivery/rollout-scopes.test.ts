// `switchyard rollout` against a gateway with scoped admin tokens (`admin.tokens`): the read
// token shows a rollout but cannot move it (one line with SY_ERR_ADMIN_FORBIDDEN, exit 1, the
// rollout untouched); the write token, given with --token or $SWITCHYARD_ADMIN_TOKEN, moves it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { startService, type Service } from './services.js';
import type { RolloutView } from '../../src/delivery/delivery.js';

const READ = 'dashboards-only';
const WRITE = 'operators-only';
let baseline: Service;
let canary: Service;
let gateway: TestGateway;

before(async () => {
  baseline = await startService('baseline');
  canary = await startService('canary');
  gateway = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0, tokens: { read: ${READ}, write: ${WRITE} } }
state: { store: file:./state }
upstreams:
  old: { type: http, endpoints: [${baseline.url}] }
  new: { type: http, endpoints: [${canary.url}] }
routes:
  - get: /items
    name: items.show
    to: old
    rollout:
      canary: new
      steps: [{ weight: 10, hold: 1h }, { weight: 100 }]
`);
});

after(async () => {
  await gateway?.stop();
  await baseline?.close();
  await canary?.close();
});

const admin = () => gateway.running.adminUrl as string;

async function state(token: string): Promise<string> {
  const res = await runCliCaptured(['rollout', 'status', 'items.show', '--json', '--admin', admin(), '--token', token]);
  assert.equal(res.code, 0, res.stderr);
  return ((JSON.parse(res.stdout) as { rollouts: RolloutView[] }).rollouts[0] as RolloutView).state;
}

test('the read token shows the rollout', async () => {
  assert.equal(await state(READ), 'progressing');
});

test('the read token cannot pause it: one line, exit 1, the rollout untouched', async () => {
  const res = await runCliCaptured(['rollout', 'pause', 'items.show', '--admin', admin(), '--token', READ]);
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^switchyard: POST \/admin\/rollouts\/items\.show\/pause needs the write token \(admin\.tokens\.write\); this is the read token \(SY_ERR_ADMIN_FORBIDDEN\)\n$/);
  assert.equal(await state(WRITE), 'progressing');
});

test('the write token pauses it, from --token or $SWITCHYARD_ADMIN_TOKEN', async () => {
  const paused = await runCliCaptured(['rollout', 'pause', 'items.show', '--admin', admin(), '--token', WRITE]);
  assert.equal(paused.code, 0, paused.stderr);
  assert.equal(await state(READ), 'paused');
  const resumed = await runCliCaptured(['rollout', 'resume', 'items.show', '--admin', admin()], { env: { SWITCHYARD_ADMIN_TOKEN: WRITE } });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(await state(READ), 'progressing');
});
