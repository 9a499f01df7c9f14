// Rollouts as a user runs them: a PHP baseline served by a real php-fpm, and for each route a
// canary HTTP service that is (a) equal but noisy (timestamps, ids), (b) slower in the tail only
// (3% of answers a second later: beyond 1.5 x a PHP p99 even on a busy test machine, where the
// baseline's p99 has been seen at 500 ms; the 150 ms of issue 15 is checked by simulation in
// rollout-statistics.test.ts), (c) erroring (3% 503s), (e) equal. Requests are driven through
// the gateway, in a bounded number, until each rollout ends: (a) and (e) are promoted with no
// failing check; (b) and (c) are rolled back by a decision naming latencyP99 and errorRate, after
// which every request goes to the baseline; a fifth route that gets no traffic never advances.
// The four are driven side by side; a short interval and hold keep it to seconds. The PHP
// script takes 20 ms, so its p99 is the script's and not the test machine's: with a 2-3 ms
// script, a canary answering from this (busy) process showed a p99 2.5 times PHP's on a loaded
// machine, and the latency check failed an equal canary for a few milliseconds of scheduling.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { startService, type Service } from './services.js';
import type { RolloutView } from '../../src/delivery/delivery.js';

const ROUTES = { noisy: { noisy: true }, slow: { slowTail: [0.03, 1000] as const }, erroring: { errorRate: 0.03 }, equal: {}, quiet: {} } as const;
type Name = keyof typeof ROUTES;
/** Requests per route at most: enough for ~600 canary responses at 50%. */
const BUDGET = 2400;

let dir: string;
let fpm: PhpFpm;
let gateway: TestGateway;
const canaries = new Map<Name, Service>();
/** Each driven rollout as it ended, driven side by side in `before`. */
const ended = new Map<Name, RolloutView>();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-rollout-'));
  await writeFile(join(dir, 'index.php'), `<?php usleep(20000); header('Content-Type: application/json'); echo json_encode(['time' => microtime(true), 'id' => uniqid(), 'side' => 'baseline']);`);
  fpm = await startPhpFpm({ root: dir, children: 8 });
  let seed = 10;
  for (const [name, behaviour] of Object.entries(ROUTES)) canaries.set(name as Name, await startService(name, behaviour, seed++));
  const upstreams = [...canaries].map(([name, s]) => `  ${name}: { type: http, endpoints: [${s.url}] }`).join('\n');
  const routes = [...canaries.keys()]
    .map(
      (name) => `  - get: /${name}
    name: ${name}.show
    to: legacy
    rollout:
      canary: ${name}
      steps: [{ weight: 50, hold: 200ms, minSamples: 200 }, { weight: 100 }]
      interval: 200ms
      analysis:
        - { metric: errorRate, maxIncrease: 0.01 }
        - { metric: latencyP99, maxRatio: 1.5 }
      onFailure: rollback`,
    )
    .join('\n');
  gateway = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
state: { store: file:${join(dir, 'state')} }
upstreams:
  legacy: { type: fastcgi, address: unix:${fpm.socketPath}, root: ${dir}, maxConnections: 8 }
${upstreams}
routes:
${routes}
`);
  const driven = ['equal', 'noisy', 'slow', 'erroring'] as const;
  const views = await Promise.all(driven.map((name) => drive(name)));
  driven.forEach((name, i) => ended.set(name, views[i] as RolloutView));
});

after(async () => {
  await gateway?.stop();
  for (const s of canaries.values()) await s.close();
  await fpm?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function rollouts(): Promise<RolloutView[]> {
  const res = await fetch(`${gateway.running.adminUrl}/admin/rollouts`);
  return ((await res.json()) as { rollouts: RolloutView[] }).rollouts;
}

/**
 * Sends requests 2 at a time (8 across the four routes, as many as php-fpm has children: a
 * queue in front of PHP would make the baseline's tail the queue's) until the route's rollout
 * leaves progressing or the budget is spent.
 */
async function drive(name: Name): Promise<RolloutView> {
  let sent = 0;
  for (;;) {
    const view = (await rollouts()).find((r) => r.route === `${name}.show`) as RolloutView;
    if (view.state !== 'progressing' || sent >= BUDGET) return view;
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        for (let i = 0; i < 20; i++) {
          const res = await httpRequest(gateway.port, `/${name}`);
          assert.match(String(res.headers['x-switchyard-canary']), /^[01]$/);
        }
      }),
    );
    sent += 40;
  }
}

for (const [name, title] of [['equal', '(e) an equal canary'], ['noisy', '(a) an equal but noisy canary']] as const) {
  test(`${title} is promoted with no failing check`, async () => {
    const view = ended.get(name) as RolloutView;
    assert.equal(view.state, 'promoted', JSON.stringify(view.decisions.slice(-4)));
    assert.equal(view.weight, 100);
    assert.ok(!view.decisions.some((d) => d.verdict === 'fail'), 'no check failed');
    const promotion = view.decisions.filter((d) => d.action === 'promote');
    assert.deepEqual(promotion.map((d) => d.metric).sort(), ['errorRate', 'latencyP99']);
    assert.ok(promotion.every((d) => d.verdict === 'pass' && d.by === 'analysis'));
    for (let i = 0; i < 10; i++) assert.equal((await httpRequest(gateway.port, `/${name}`)).headers['x-switchyard-canary'], '1');
  });
}

for (const [name, metric, title] of [['slow', 'latencyP99', '(b) a canary slower in the tail'], ['erroring', 'errorRate', '(c) a canary answering 3% 503s']] as const) {
  test(`${title} is rolled back by a failing ${metric} check`, async () => {
    const view = ended.get(name) as RolloutView;
    assert.equal(view.state, 'rolled-back', JSON.stringify(view.decisions.slice(-4)));
    assert.equal(view.weight, 0);
    const rollback = view.decisions.find((d) => d.action === 'rollback' && d.verdict === 'fail');
    assert.equal(rollback?.metric, metric);
    assert.equal(rollback?.by, 'analysis');
    assert.equal(typeof rollback?.canary, 'number');
    assert.equal(typeof rollback?.baseline, 'number');
    const served = await Promise.all(Array.from({ length: 20 }, () => httpRequest(gateway.port, `/${name}`)));
    assert.ok(served.every((r) => r.headers['x-switchyard-canary'] === '0' && r.json<{ side: string }>().side === 'baseline'), 'all traffic is back on the baseline');
  });
}

test('a route that gets no traffic never advances: every look is inconclusive', async () => {
  const quiet = (await rollouts()).find((r) => r.route === 'quiet.show') as RolloutView;
  assert.deepEqual([quiet.state, quiet.step, quiet.weight], ['progressing', 0, 50]);
  assert.ok(quiet.decisions.length > 0, 'it was looked at');
  assert.ok(quiet.decisions.every((d) => d.verdict === 'inconclusive' && d.action === 'hold'));
});
