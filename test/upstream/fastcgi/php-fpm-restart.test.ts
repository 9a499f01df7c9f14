// php-fpm restarted under load (SIGQUIT, down for a second, started again, as a deploy or
// `systemctl restart php-fpm` does): a request that never reached PHP waits and retries within
// its queue.timeout, so clients see latency and never an error; a POST PHP had started is never
// run twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { startPhpApp, type PhpApp } from './php-app.js';

describe('php-fpm restart under load', () => {
  let app: PhpApp;
  let gw: ExchangeServer;

  before(async () => {
    app = await startPhpApp(4);
    gw = await startExchangeServer({ handler: createFastcgiUpstream(app.config({ queue: { max: 64, timeout: 10_000 } }), pino({ level: 'silent' })) });
  });
  after(async () => {
    await gw?.close();
    await app?.stop();
  });

  test('16 clients across a 1 s outage: every request answers 200', async () => {
    let restarted = false;
    let outageFrom = Infinity;
    let outageTo = Infinity;
    let spanningOutage = 0;
    const statuses = new Map<number, number>();
    // Each client loops until php-fpm is back and it has sent 5 more, bounded by a count.
    const client = async (n: number): Promise<void> => {
      let after = 0;
      for (let i = 0; i < 2_000 && after < 5; i++) {
        const sent = performance.now();
        const res = await httpRequest(gw.port, `/users/${n}`);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (sent < outageTo && performance.now() > outageFrom) spanningOutage++;
        if (restarted) after++;
      }
    };
    const clients = Array.from({ length: 16 }, (_, n) => client(n + 1));
    // Load first, then the outage.
    await until(() => (statuses.get(200) ?? 0) >= 32);
    outageFrom = performance.now();
    await app.fpm.restart(1_000);
    outageTo = performance.now();
    restarted = true;
    await Promise.all(clients);
    assert.ok(spanningOutage >= 16, `requests were in flight during the outage (${spanningOutage})`);
    assert.deepEqual([...statuses.keys()], [200], `statuses: ${JSON.stringify([...statuses])}`);
  });

  test('a POST sent while php-fpm is down is served once it is back, and runs once', async () => {
    const dir = await mkdtemp(join(app.dir, 'post-'));
    await writeFile(join(dir, 'release'), '');
    const restart = app.fpm.restart(1_000);
    assert.ok(await until(() => !existsSync(app.fpm.socketPath)), 'php-fpm went down');
    const res = await httpRequest(gw.port, `/fixtures/hold.php?dir=${encodeURIComponent(dir)}`, { method: 'POST', body: 'x=1' });
    await restart;
    assert.equal(res.status, 200);
    assert.equal((await readdir(dir)).filter((f) => f.startsWith('started-')).length, 1, 'the POST ran once');
  });
});

