// php-fpm is shared: a second gateway, a reload's new workers, nginx during the migration or a
// cron check use the same pool. A kept FastCGI connection pins a php-fpm child, so an idle one is
// closed after keepAlive.idle and the pool's other clients get the child back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import type { FastcgiUpstreamConfig } from '../../../src/config/types.js';
import { createFastcgiUpstream, type FastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { startPhpApp, type PhpApp } from './php-app.js';

describe('a php-fpm pool shared by two gateways', () => {
  let app: PhpApp;
  const servers: ExchangeServer[] = [];

  before(async () => {
    app = await startPhpApp(2);
  });
  after(async () => {
    for (const s of servers) await s.close();
    await app?.stop();
  });

  async function gateway(overrides: Partial<FastcgiUpstreamConfig>): Promise<{ gw: ExchangeServer; upstream: FastcgiUpstream }> {
    const upstream = createFastcgiUpstream(app.config(overrides), pino({ level: 'silent' }));
    const gw = await startExchangeServer({ handler: upstream });
    servers.push(gw);
    return { gw, upstream };
  }

  /** Two requests in flight at once, so the gateway opens (and then keeps) both connections. */
  async function warm(port: number): Promise<void> {
    const dir = await mkdtemp(join(app.dir, 'warm-'));
    const held = [1, 2].map(() => httpRequest(port, `/fixtures/hold.php?dir=${encodeURIComponent(dir)}`));
    assert.ok(await until(async () => (await readdir(dir)).length === 2), 'both php-fpm children took a request');
    await writeFile(join(dir, 'release'), '');
    for (const res of await Promise.all(held)) assert.equal(res.status, 200);
  }

  test('the idle gateway lets go of its children: the second one is served, not timed out', async () => {
    const first = await gateway({ keepAlive: { idle: 500 } });
    await warm(first.gw.port);
    // Both children now wait on the first gateway's kept connections; without the idle close
    // this request sits in php-fpm's backlog until readTimeout and answers 504.
    const second = await gateway({ readTimeout: 15_000 });
    const res = await httpRequest(second.gw.port, '/users/3');
    assert.equal(res.status, 200);
    assert.equal(res.json().id, 3);
    // The first connection closed frees a child; the other is closed when its own idle ends.
    assert.ok(await until(() => first.upstream.stats.idle === 0), 'the idle connections were closed');
  });

  test('a connection in use within keepAlive.idle is kept and reused', async () => {
    const { gw, upstream } = await gateway({ maxConnections: 1, keepAlive: { idle: 60_000 } });
    const pids = new Set<string>();
    for (let i = 0; i < 5; i++) pids.add((await httpRequest(gw.port, '/fixtures/pid.php')).text);
    assert.equal(pids.size, 1, 'one php-fpm child served all five over the kept connection');
    assert.equal(upstream.stats.idle, 1);
  });

  test('keepAlive: false opens a connection per request and keeps none', async () => {
    const { gw, upstream } = await gateway({ keepAlive: false });
    assert.equal((await httpRequest(gw.port, '/users/4')).status, 200);
    assert.equal(upstream.stats.idle, 0);
  });
});
