/**
 * The dashboard in a real browser (Debian's chromium through playwright-core, never a
 * downloaded one) while traffic runs: the heatmap draws cells, the route and upstream tables
 * fill, and the page needs the admin token. A screenshot is kept in test-output/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';

const TOKEN = 'dashboard-test-token';

describe('dashboard', () => {
  let service: Server;
  let gw: TestGateway;
  let browser: BrowserContext;
  let profile: string;
  let traffic: NodeJS.Timeout;

  before(async () => {
    service = createServer((req, res) => setTimeout(() => res.end('ok'), req.url === '/slow' ? 40 : 1));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0, token: ${TOKEN} }
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}] }
routes:
  - get: /{page}
    to: svc
    name: pages
`);
    const port = gw.port;
    let n = 0;
    traffic = setInterval(() => void httpRequest(port, n++ % 5 === 0 ? '/slow' : '/fast').catch(() => undefined), 20);
    profile = await mkdtemp(join(tmpdir(), 'sy-chromium-'));
    // A fresh profile dir, given the way playwright takes one.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    clearInterval(traffic);
    await browser?.close();
    await gw.stop();
    await new Promise<void>((resolve) => service.close(() => resolve()));
    await rm(profile, { recursive: true, force: true });
  });

  it('refuses the page without the admin token', async () => {
    const admin = (gw.running.admin?.address() as AddressInfo).port;
    assert.equal((await httpRequest(admin, '/dashboard')).status, 401);
    assert.equal((await httpRequest(admin, '/dashboard/state')).status, 401);
  });

  it('draws the live heatmap and fills the route, upstream and correlation tables', async () => {
    const admin = (gw.running.admin?.address() as AddressInfo).port;
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(err.message));
    await page.goto(`http://127.0.0.1:${admin}/dashboard?token=${TOKEN}`);
    assert.doesNotMatch(page.url(), /token=/, 'the token leaves the address bar');
    await page.waitForFunction("Number(document.getElementById('heatmap').dataset.cells) > 0", undefined, { timeout: 20_000 });
    await page.waitForFunction("document.querySelector('#routes tbody').children.length > 0 && document.querySelector('#upstreams tbody').children.length > 0", undefined, { timeout: 20_000 });
    // Rates need two polls.
    await page.waitForFunction("/^\\d/.test(document.querySelector('#routes tbody tr td:nth-child(2)')?.textContent ?? '')", undefined, { timeout: 20_000 });
    await page.waitForFunction("document.querySelector('#correlation tbody').children.length > 0", undefined, { timeout: 20_000 });
    assert.equal(await page.textContent('#routes tbody tr td:first-child'), 'pages');
    assert.equal(await page.textContent('#upstreams tbody tr td:first-child'), 'svc');
    assert.equal(await page.textContent('#upstreams tbody tr td:nth-child(3)'), '1 / 1');
    await page.waitForFunction("document.querySelector('#connections tbody').children.length > 0", undefined, { timeout: 20_000 });
    assert.ok(Number(await page.getAttribute('#heatmap', 'data-cells')) > 1);
    await mkdir('test-output', { recursive: true });
    await page.screenshot({ path: join('test-output', 'dashboard.png'), fullPage: true });
    assert.deepEqual(failures, []);
    await page.close();
  });
});
