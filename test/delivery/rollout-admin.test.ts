// An operator drives a rollout through the admin API and `switchyard rollout`: status, pause
// (and a refused second pause), resume, promote one step, a restart of the gateway mid-rollout
// that finds the step and decisions in the file store, undo, promote --full, abort; the weight
// each leaves is the share of requests the canary gets; every action is a decision by operator;
// an unknown route, a missing token and a bad query get their codes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { runCliCaptured } from '../helpers/run-cli.js';
import { startService, type Service } from './services.js';
import type { RolloutView } from '../../src/delivery/delivery.js';

const TOKEN = 'admin-secret';
let dir: string;
let baseline: Service;
let canary: Service;
let gateway: TestGateway;
let config: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-rollout-admin-'));
  baseline = await startService('baseline');
  canary = await startService('canary');
  config = `
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0, token: ${TOKEN} }
state: { store: file:${join(dir, 'state')} }
upstreams:
  old: { type: http, endpoints: [${baseline.url}] }
  new: { type: http, endpoints: [${canary.url}] }
routes:
  - get: /items
    name: items.show
    to: old
    rollout:
      canary: new
      steps: [{ weight: 10, hold: 1h }, { weight: 40, hold: 1h }, { weight: 100 }]
      interval: 100ms
`;
  gateway = await startTestGateway(config, { dir });
});

after(async () => {
  await gateway?.stop();
  await baseline?.close();
  await canary?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const admin = () => gateway.running.adminUrl as string;
const cli = (...args: string[]) => runCliCaptured(['rollout', ...args, '--admin', admin(), '--token', TOKEN]);

async function status(): Promise<RolloutView> {
  const res = await cli('status', 'items.show', '--json');
  assert.equal(res.code, 0, res.stderr);
  return (JSON.parse(res.stdout) as { rollouts: RolloutView[] }).rollouts[0] as RolloutView;
}

/** Share of 200 requests the canary served. */
async function canaryShare(): Promise<number> {
  let n = 0;
  for (let i = 0; i < 200; i++) if ((await httpRequest(gateway.port, '/items')).headers['x-switchyard-canary'] === '1') n++;
  return n / 200;
}

test('GET /admin/rollouts has the SPEC shape and needs the token', async () => {
  assert.equal((await fetch(`${admin()}/admin/rollouts`)).status, 401);
  const res = await fetch(`${admin()}/admin/rollouts`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { rollouts: RolloutView[] };
  const view = body.rollouts[0] as RolloutView;
  assert.equal(view.route, 'items.show');
  assert.equal(view.canary, 'new');
  assert.equal(view.state, 'progressing');
  assert.equal(view.step, 0);
  assert.equal(view.weight, 10);
  assert.ok(Array.isArray(view.decisions));
  const text = await cli('status');
  assert.match(text.stdout, /^items\.show: progressing, step 1\/3, 10% to new$/m);
});

test('operator actions move the rollout, survive a restart, and are recorded', async () => {
  assert.match((await cli('pause')).stdout, /items\.show: paused/, 'the only rollout is taken when ROUTE is left out');
  const again = await cli('pause', 'items.show');
  assert.equal(again.code, 1);
  assert.equal(again.stderr, "switchyard: items.show: cannot pause a rollout that is paused (SY_ERR_ROLLOUT_CONFLICT)\n");
  assert.equal((await cli('resume', 'items.show')).code, 0);
  assert.equal((await status()).state, 'progressing');

  const promoted = await fetch(`${admin()}/admin/rollouts/items.show/promote`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(promoted.status, 200);
  assert.equal(((await promoted.json()) as { rollout: RolloutView }).rollout.weight, 40);
  const share = await canaryShare();
  assert.ok(share > 0.25 && share < 0.55, `40% step gave the canary ${share}`);

  // A restart mid-rollout: the new process reads step, weight and decisions from the store.
  await gateway.stop();
  gateway = await startTestGateway(config, { dir });
  const restarted = await status();
  assert.equal(restarted.step, 1);
  assert.equal(restarted.weight, 40);
  assert.deepEqual(
    restarted.decisions.filter((d) => d.by === 'operator').map((d) => d.action),
    ['pause', 'resume', 'promote'],
  );

  assert.equal((await cli('undo', 'items.show')).code, 0);
  assert.deepEqual([(await status()).step, (await status()).weight], [0, 10]);
  const full = await cli('promote', 'items.show', '--full');
  assert.equal(full.code, 0, full.stderr);
  const afterFull = await status();
  assert.deepEqual([afterFull.state, afterFull.weight], ['promoted', 100]);
  assert.equal(await canaryShare(), 1);
  assert.equal((await cli('undo', 'items.show')).code, 0);
  assert.equal((await status()).state, 'progressing');
  assert.equal((await cli('abort', 'items.show')).code, 0);
  const aborted = await status();
  assert.deepEqual([aborted.state, aborted.weight], ['aborted', 0]);
  assert.equal(await canaryShare(), 0);
  const ops = aborted.decisions.filter((d) => d.by === 'operator');
  assert.deepEqual(ops.map((d) => d.action), ['pause', 'resume', 'promote', 'undo', 'promote', 'undo', 'abort']);
  assert.ok(ops.every((d) => d.metric === null && typeof d.time === 'string' && typeof d.step === 'number'));
});

test('an unknown route, a bad action or query, and no admin listener get one clear line', async () => {
  const unknown = await cli('pause', 'nope');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^switchyard: no rollout on a route named 'nope' \(rollouts: items\.show\) \(SY_ERR_ROLLOUT_NOT_FOUND\)\n$/);
  const bad = await fetch(`${admin()}/admin/rollouts/items.show/explode`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(bad.status, 404);
  const query = await fetch(`${admin()}/admin/rollouts/items.show/pause?full=true`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(query.status, 400);
  assert.equal(((await query.json()) as { code: string }).code, 'SY_ERR_ADMIN_BAD_QUERY');
  const nowhere = await runCliCaptured(['rollout', 'status', '--admin', 'http://127.0.0.1:1']);
  assert.equal(nowhere.code, 1);
  assert.match(nowhere.stderr, /^switchyard: cannot reach the admin API at http:\/\/127\.0\.0\.1:1: .*\(SY_ERR_ADMIN_UNREACHABLE\)\n$/);
});
