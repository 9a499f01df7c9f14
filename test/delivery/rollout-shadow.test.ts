// A rollout gated on the shadow: the route's baseline-served requests are copied to the canary
// and compared (docs/shadow.md), and the rollout's shadowMismatch check reads those comparisons.
// (d) a canary returning a wrong field on 5% of responses is rolled back by a decision naming
// shadowMismatch; a canary that agrees is promoted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { seeded } from './services.js';
import type { RolloutView } from '../../src/delivery/delivery.js';

const servers: Server[] = [];
let gateway: TestGateway;
let dir: string;

/** Answers { item, name } for /items/N; `wrongShare` of answers carry a wrong name. */
async function itemService(wrongShare: number, seed: number): Promise<string> {
  const random = seeded(seed);
  const server = createServer((req, res) => {
    const item = Number((req.url ?? '').split('/').pop());
    const name = random() < wrongShare ? 'WRONG' : `item ${item}`;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ item, name }));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sy-rollout-shadow-'));
  const baseline = await itemService(0, 1);
  const wrong = await itemService(0.05, 2);
  const right = await itemService(0, 3);
  const route = (name: string, canary: string) => `  - get: /${name}/{id}
    name: ${name}
    to: old
    shadow: { to: ${canary}, timeout: 2s }
    rollout:
      canary: ${canary}
      steps: [{ weight: 20, minSamples: 20 }, { weight: 100 }]
      interval: 200ms
      analysis: [{ metric: shadowMismatch, max: 0.02 }]`;
  gateway = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
state: { store: 'file:${dir}/state' }
upstreams:
  old: { type: http, endpoints: [${baseline}] }
  wrong: { type: http, endpoints: [${wrong}] }
  right: { type: http, endpoints: [${right}] }
routes:
${route('wrongfield', 'wrong')}
${route('agrees', 'right')}
`);
});

after(async () => {
  await gateway?.stop();
  for (const s of servers) s.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/**
 * Requests one at a time, paced: the shadow leaves copies out while the event loop is busy (the
 * clients come first, docs/shadow.md), and client, gateway and services share this process.
 */
async function drive(name: string): Promise<RolloutView> {
  for (let sent = 0; ; sent += 20) {
    const res = await fetch(`${gateway.running.adminUrl}/admin/rollouts`);
    const view = ((await res.json()) as { rollouts: RolloutView[] }).rollouts.find((r) => r.route === name) as RolloutView;
    if (view.state !== 'progressing' || sent >= 4000) return view;
    for (let i = 0; i < 20; i++) await httpRequest(gateway.port, `/${name}/${sent + i}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('(d) a canary with a wrong field on 5% of answers is rolled back by shadowMismatch', async () => {
  const view = await drive('wrongfield');
  assert.equal(view.state, 'rolled-back', JSON.stringify(view.decisions.slice(-3)));
  const failed = view.decisions.find((d) => d.verdict === 'fail');
  assert.equal(failed?.metric, 'shadowMismatch');
  assert.equal(failed?.action, 'rollback');
  assert.ok((failed?.canary ?? 0) > 0.02, `mismatch rate ${failed?.canary}`);
});

test('a canary that agrees with the baseline is promoted on the shadow check', async () => {
  const view = await drive('agrees');
  assert.equal(view.state, 'promoted', JSON.stringify(view.decisions.slice(-3)));
  assert.ok(view.decisions.some((d) => d.metric === 'shadowMismatch' && d.verdict === 'pass' && d.action === 'promote'));
});
