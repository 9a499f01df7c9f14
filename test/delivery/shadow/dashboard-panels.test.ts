/**
 * The dashboard's delivery panels in a real browser (Debian's chromium through playwright-core):
 * a rollout's steps, state and decisions from GET /admin/rollouts, and the shadow diff report
 * (per route, per field with noise told apart, masked samples) from GET /admin/shadow.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type BrowserContext } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import type { ShadowView } from '../../../src/delivery/shadow/shadow-view.js';

const TOKEN = 'delivery-panels-token';

let baseline: Server;
let target: Server;
let gw: TestGateway;
let browser: BrowserContext;
let profile: string;
let admin: number;

before(async () => {
  // Both answer with a fresh id; the target's price is wrong and its email differs.
  baseline = createServer((req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ id: randomUUID(), price: 10, email: 'ann@example.test', path: req.url })));
  target = createServer((req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ path: req.url, email: 'bob@example.test', price: 12, id: randomUUID() })));
  await Promise.all([baseline, target].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  const at = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0, token: ${TOKEN} }
upstreams:
  old: { type: http, endpoints: [${at(baseline)}] }
  new: { type: http, endpoints: [${at(target)}] }
routes:
  - get: /items/{id}
    name: items.show
    to: old
    shadow: { to: new, compare: { mask: [/email] } }
  - get: /orders/{id}
    name: orders.show
    to: old
    rollout:
      canary: new
      steps: [{ weight: 5, hold: 1h, minSamples: 500 }, { weight: 25, hold: 1h }, { weight: 100 }]
      interval: 1h
      analysis: [{ metric: errorRate, maxIncrease: 0.01 }]
      onFailure: rollback
`);
  // The state store's default folder is relative to the config, in the test's own directory.
  admin = (gw.running.admin?.address() as AddressInfo).port;
  for (let i = 1; i <= 10; i++) await httpRequest(gw.port, `/items/${i}`);
  const shadow = async () => (await (await fetch(`http://127.0.0.1:${admin}/admin/shadow`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as ShadowView;
  assert.ok(await until(async () => (await shadow()).routes[0]?.compared === 10));
  // An operator's pause: a decision by the operator.
  const paused = await fetch(`http://127.0.0.1:${admin}/admin/rollouts/orders.show/pause`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(paused.status, 200, await paused.text());
  profile = await mkdtemp(join(tmpdir(), 'sy-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 1400 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  await gw?.stop();
  await Promise.all([baseline, target].map((s) => new Promise((r) => s?.close(r))));
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

const rows = (page: import('playwright-core').Page, id: string) => page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));

test('the rollouts panel shows each rollout, its steps with the current one, and its decisions', async () => {
  const page = await browser.newPage();
  const failures: string[] = [];
  page.on('pageerror', (err) => failures.push(err.message));
  await page.goto(`http://127.0.0.1:${admin}/dashboard?token=${TOKEN}`);
  await page.waitForFunction("document.querySelector('#rollouts tbody tr td')?.textContent === 'orders.show'", undefined, { timeout: 20_000 });
  const [rollout] = await rows(page, 'rollouts');
  assert.deepEqual(rollout?.slice(0, 5), ['orders.show', 'new', 'paused', '1 / 3', '5']);
  assert.match(rollout?.[5] ?? '', /5%\s*25%\s*100%/);
  assert.equal(await page.textContent('#rollouts tbody b.step'), '5%', 'the current step stands out');
  await page.waitForFunction("document.querySelector('#decisions tbody tr td:nth-child(9)')?.textContent === 'pause'", undefined, { timeout: 20_000 });
  const [decision] = await rows(page, 'decisions');
  assert.deepEqual([decision?.[1], decision?.[8], decision?.[9]], ['orders.show', 'pause', 'operator']);
  assert.deepEqual(failures, []);
  await page.close();
});

test('the shadow panel shows the mismatch rate, the mismatched field apart from the noisy one, and masked samples', async () => {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${admin}/dashboard?token=${TOKEN}`);
  await page.waitForFunction("document.querySelector('#shadow tbody tr td')?.textContent === 'items.show'", undefined, { timeout: 20_000 });
  const [route] = await rows(page, 'shadow');
  assert.deepEqual(route?.slice(0, 5), ['items.show', 'new', '10', '10', '100.00']);
  const fields = new Map((await rows(page, 'shadow-fields')).map((r) => [r[1], r]));
  assert.deepEqual(fields.get('/price')?.slice(2), ['10', '0', 'mismatch']);
  assert.deepEqual(fields.get('/email')?.slice(2), ['10', '0', 'mismatch']);
  assert.equal(fields.get('/id')?.[2], '0');
  assert.equal(fields.get('/id')?.[4], 'noise');
  const samples = await rows(page, 'shadow-samples');
  assert.equal(samples.length, 10);
  assert.match(samples[0]?.[3] ?? '', /\/price: 10 → 12/);
  assert.match(samples[0]?.[3] ?? '', /\/email: \*\*\* → \*\*\*/);
  assert.doesNotMatch(await page.content(), /example\.test/, 'masked values never reach the page');
  await page.close();
});
