// When php-fpm fails: a worker dying mid-request, the pool restarting under kept connections,
// or nothing listening at all. Each gives a precise 502 problem+json naming the upstream, and
// the next request works as soon as php-fpm does.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pino } from 'pino';
import { createFastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { httpRequest } from '../../helpers/http-request.js';
import { freePort } from '../../helpers/free-port.js';
import { until } from '../../helpers/until.js';
import { fastcgiConfig, startPhpApp, type PhpApp } from './php-app.js';

describe('php-fpm failures', () => {
  let app: PhpApp;
  let gw: ExchangeServer;

  before(async () => {
    app = await startPhpApp(2);
    // One connection: every request after the first reuses the kept connection.
    gw = await startExchangeServer({ handler: createFastcgiUpstream(app.config({ maxConnections: 1 }), pino({ level: 'silent' })) });
  });
  after(async () => {
    await gw?.close();
    await app?.stop();
  });

  test('a worker that dies mid-response gives 502 problem+json, and the next request works', async () => {
    const res = await httpRequest(gw.port, '/fixtures/die.php');
    assert.equal(res.status, 502);
    assert.equal(res.headers['content-type'], 'application/problem+json');
    const problem = res.json();
    assert.equal(problem.code, 'SY_ERR_UPSTREAM_RESET');
    assert.match(String(problem.detail), /upstream "legacy" closed the connection/);
    assert.doesNotMatch(res.text, /partial/);
    assert.equal((await httpRequest(gw.port, '/users/5')).status, 200);
  });

  test('a worker killed while it holds a POST gives 502 (never replayed), and php-fpm serves the next one', async () => {
    const dir = await mkdtemp(join(app.dir, 'kill-'));
    const held = httpRequest(gw.port, `/fixtures/hold.php?dir=${encodeURIComponent(dir)}`, { method: 'POST', body: 'x=1' });
    let pid = 0;
    const announced = await until(async () => {
      const [file] = await readdir(dir);
      pid = file === undefined ? 0 : Number(await readFile(join(dir, file), 'utf8'));
      return pid > 0;
    });
    assert.ok(announced, 'the held worker announced its pid');
    process.kill(pid, 'SIGKILL');
    const res = await held;
    assert.equal(res.status, 502);
    assert.equal(res.json().code, 'SY_ERR_UPSTREAM_RESET');
    assert.equal((await readdir(dir)).length, 1, 'the POST ran once');
    assert.equal((await httpRequest(gw.port, '/users/6')).status, 200);
  });

  test('a php-fpm restart closes the kept connection; the next request reconnects', async () => {
    assert.equal((await httpRequest(gw.port, '/fixtures/pid.php')).status, 200);
    const before = app.fpm.pid;
    await app.fpm.restart();
    assert.notEqual(app.fpm.pid, before);
    const res = await httpRequest(gw.port, '/users/7');
    assert.equal(res.status, 200);
    assert.equal(res.json().id, 7);
  });

  test('php-fpm not running: 502 naming the upstream, the socket and the cause', async () => {
    const down = await startExchangeServer({
      handler: createFastcgiUpstream(fastcgiConfig({ root: app.root, address: { kind: 'unix', path: join(app.dir, 'no-such.sock') }, queue: { max: 8, timeout: 300 } }), pino({ level: 'silent' })),
    });
    try {
      const res = await httpRequest(down.port, '/users/1');
      assert.equal(res.status, 502);
      const problem = res.json();
      assert.equal(problem.code, 'SY_ERR_UPSTREAM_CONNECT');
      assert.match(String(problem.detail), /^cannot connect to upstream "legacy" at unix:.*no-such\.sock: ENOENT \(the socket does not exist; is php-fpm running\?\); \d+ attempts until queue\.timeout$/);
    } finally {
      await down.close();
    }
  });

  test('php-fpm not listening on TCP: 502 with ECONNREFUSED', async () => {
    const port = await freePort();
    const down = await startExchangeServer({
      handler: createFastcgiUpstream(fastcgiConfig({ root: app.root, address: { kind: 'tcp', host: '127.0.0.1', port }, queue: { max: 8, timeout: 300 } }), pino({ level: 'silent' })),
    });
    try {
      const res = await httpRequest(down.port, '/');
      assert.equal(res.status, 502);
      assert.match(String(res.json().detail), new RegExp(`upstream "legacy" at 127\\.0\\.0\\.1:${port}: ECONNREFUSED`));
    } finally {
      await down.close();
    }
  });
});
