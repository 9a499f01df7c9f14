/**
 * The FastCGI pool reports into the same connection table as http clusters: kept php-fpm
 * connections show as idle with their requests and bytes in GET /admin/upstreams' view.
 */
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createFastcgiUpstream, type FastcgiUpstream } from '../../src/upstream/fastcgi/fastcgi-upstream.js';
import { startExchangeServer, type ExchangeServer } from '../helpers/exchange-server.js';
import { httpRequest } from '../helpers/http-request.js';
import { startPhpApp, type PhpApp } from '../upstream/fastcgi/php-app.js';
import { upstreamViews } from '../../src/admin/upstreams.js';
import type { Runtime } from '../../src/gateway/build.js';

let app: PhpApp;
let upstream: FastcgiUpstream;
let gw: ExchangeServer;

before(async () => {
  app = await startPhpApp(2);
  upstream = createFastcgiUpstream({ ...app.config({}), name: 'tabled' }, pino({ level: 'silent' }));
  gw = await startExchangeServer({ handler: upstream });
});
after(async () => {
  await gw.close();
  await upstream.close();
  await app.stop();
});

it('lists a kept php-fpm connection with its requests and bytes', async () => {
  for (let i = 0; i < 3; i++) assert.equal((await httpRequest(gw.port, '/fixtures/pid.php')).status, 200);
  const views = upstreamViews({ runtime: { upstreams: new Map([['tabled', upstream]]) } as unknown as Runtime });
  const view = views.find((v) => v.name === 'tabled');
  assert.equal(view?.type, 'fastcgi');
  const requests = view?.connections.reduce((sum, c) => sum + c.requests, 0);
  assert.equal(requests, 3);
  for (const c of view?.connections ?? []) {
    assert.equal(c.state, 'idle');
    assert.ok(c.bytesIn > 0 && c.bytesOut > 0);
  }
});
