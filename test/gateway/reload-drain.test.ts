// A reload under load loses nothing: requests queued for a php-fpm slot and requests in flight
// finish on the config they started with, and an upstream whose config did not change is taken
// over with its pool and queue rather than built again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastcgiUpstream } from '../../src/upstream/fastcgi/fastcgi-upstream.js';
import { httpRequest } from '../helpers/http-request.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { until } from '../helpers/until.js';
import { startPhpApp, type PhpApp } from '../upstream/fastcgi/php-app.js';

describe('reload under load', () => {
  let app: PhpApp;
  let gw: TestGateway;
  /** The config with the fastcgi upstream's readTimeout set, so that a change rebuilds it. */
  const config = (readTimeout: string) => `listen: 127.0.0.1:0
accessLog: off
upstreams:
  legacy:
    type: fastcgi
    address: unix:${app.fpm.socketPath}
    root: ${app.root}
    scripts: [index.php, fixtures/*.php]
    maxConnections: 2
    queue: { max: 64, timeout: 10s }
    readTimeout: ${readTimeout}
routes:
  - any: /{path?}
    where: { path: '.*' }
    to: legacy
`;
  const legacy = () => gw.running.gateway.runtime.upstreams.get('legacy') as FastcgiUpstream;

  before(async () => {
    app = await startPhpApp(2);
    gw = await startTestGateway(config('20s'));
  });
  after(async () => {
    await gw?.stop();
    await app?.stop();
  });

  test('requests queued when the upstream is replaced are served by the old one, not refused', async () => {
    const dir = await mkdtemp(join(app.dir, 'reload-'));
    const held = [1, 2].map(() => httpRequest(gw.port, `/fixtures/hold.php?dir=${encodeURIComponent(dir)}`));
    assert.ok(await until(async () => (await readdir(dir)).length === 2), 'both php-fpm children are held');
    const queued = [1, 2, 3].map((n) => httpRequest(gw.port, `/users/${n}`));
    const old = legacy();
    assert.ok(await until(() => old.stats.queued === 3), 'three requests wait for a slot');
    await gw.reload(config('21s'));
    assert.notEqual(legacy(), old, 'a changed upstream is built anew');
    const fresh = httpRequest(gw.port, '/users/9');
    await writeFile(join(dir, 'release'), '');
    const all = await Promise.all([...held, ...queued, fresh]);
    assert.deepEqual(all.map((r) => r.status), [200, 200, 200, 200, 200, 200], all.map((r) => r.text).join('\n'));
    assert.ok(await until(() => old.stats.idle === 0 && old.stats.active === 0), 'the old pool closed once its requests ended');
  });

  test('an unchanged upstream is taken over, pool and queue', async () => {
    const before = legacy();
    await gw.reload(config('21s'));
    assert.equal(legacy(), before);
  });

  test('16 clients and a reload every few requests: every request answers 200', async () => {
    const statuses = new Map<number, number>();
    let done = 0;
    const client = async (n: number): Promise<void> => {
      for (let i = 0; i < 30; i++) {
        const res = await httpRequest(gw.port, `/users/${n}`);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
      done++;
    };
    const clients = Array.from({ length: 16 }, (_, n) => client(n + 1));
    let reloads = 0;
    while (done < 16 && reloads < 200) {
      // Alternate between two configs, so that every reload replaces the php-fpm pool.
      await gw.reload(config(reloads % 2 === 0 ? '20s' : '21s'));
      reloads++;
      await until(() => (statuses.get(200) ?? 0) >= reloads * 2 || done === 16);
    }
    await Promise.all(clients);
    assert.ok(reloads >= 5, `reloads happened under load (${reloads})`);
    assert.deepEqual([...statuses.entries()], [[200, 480]]);
  });
});
