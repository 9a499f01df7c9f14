// Admission control in front of php-fpm (SPEC section 4): never more requests in flight than
// maxConnections, a bounded queue behind them, and past it a 503 problem+json with Retry-After.
// The php-fpm pool has more children than the cap so that a broken cap would be visible.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import type { FastcgiUpstreamConfig } from '../../../src/config/types.js';
import { createFastcgiUpstream, type FastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { startExchangeServer, type ExchangeServer } from '../../helpers/exchange-server.js';
import { httpRequest, type HttpResult } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { startPhpApp, type PhpApp } from './php-app.js';

describe('admission control', () => {
  let app: PhpApp;
  const servers: ExchangeServer[] = [];

  before(async () => {
    app = await startPhpApp(6);
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

  /** A dir for hold.php: each held request announces itself there; `release` lets them go. */
  async function holdDir(): Promise<{ dir: string; started: () => Promise<number>; release: () => Promise<void> }> {
    const dir = await mkdtemp(join(app.dir, 'hold-'));
    return {
      dir,
      started: async () => (await readdir(dir)).filter((f) => f.startsWith('started-')).length,
      release: () => writeFile(join(dir, 'release'), ''),
    };
  }

  test('clients outnumbering maxConnections 4x all succeed, never more than the cap in php-fpm', async () => {
    const { gw, upstream } = await gateway({ maxConnections: 2, queue: { max: 64, timeout: 30_000 } });
    const hold = await holdDir();
    const requests = Array.from({ length: 8 }, () => httpRequest(gw.port, `/fixtures/hold.php?dir=${encodeURIComponent(hold.dir)}`));
    await until(() => upstream.stats.queued === 6);
    await until(async () => (await hold.started()) === 2);
    assert.equal(upstream.stats.active, 2);
    assert.equal(upstream.stats.queued, 6);
    assert.equal(await hold.started(), 2, 'only two requests reached php-fpm');
    await hold.release();
    const results = await Promise.all(requests);
    assert.deepEqual(results.map((r) => r.status), Array(8).fill(200));
    assert.equal(await hold.started(), 8);
    assert.ok(upstream.stats.idle <= 2, 'kept connections stay within the cap');
    assert.equal(upstream.stats.active, 0);
  });

  test('the queue full gives 503 problem+json with Retry-After; the admitted requests finish', async () => {
    const { gw, upstream } = await gateway({ maxConnections: 1, queue: { max: 1, timeout: 30_000 } });
    const hold = await holdDir();
    const path = `/fixtures/hold.php?dir=${encodeURIComponent(hold.dir)}`;
    const first = httpRequest(gw.port, path);
    await until(async () => (await hold.started()) === 1);
    const second = httpRequest(gw.port, path);
    await until(() => upstream.stats.queued === 1);
    const third = await httpRequest(gw.port, '/users/1');
    assert.equal(third.status, 503);
    assert.equal(third.headers['content-type'], 'application/problem+json');
    assert.equal(third.headers['retry-after'], '30');
    const problem = third.json();
    assert.equal(problem.code, 'SY_ERR_UPSTREAM_OVERLOADED');
    assert.match(String(problem.detail), /upstream "legacy"/);
    await hold.release();
    const done: HttpResult[] = await Promise.all([first, second]);
    assert.deepEqual(done.map((r) => r.status), [200, 200]);
  });

  test('a request that waits longer than queue.timeout gets 503 with Retry-After', async () => {
    const { gw } = await gateway({ maxConnections: 1, queue: { max: 10, timeout: 300 } });
    const hold = await holdDir();
    const first = httpRequest(gw.port, `/fixtures/hold.php?dir=${encodeURIComponent(hold.dir)}`);
    await until(async () => (await hold.started()) === 1);
    const waited = await httpRequest(gw.port, '/users/1');
    assert.equal(waited.status, 503);
    assert.equal(waited.headers['retry-after'], '1');
    assert.equal(waited.json().code, 'SY_ERR_UPSTREAM_QUEUE_TIMEOUT');
    await hold.release();
    assert.equal((await first).status, 200);
    assert.equal((await httpRequest(gw.port, '/users/1')).status, 200, 'the pool serves again');
  });

  test('each queued request times out at its own deadline (one timer serves the whole queue)', async () => {
    const { gw, upstream } = await gateway({ maxConnections: 1, queue: { max: 10, timeout: 400 } });
    const hold = await holdDir();
    const first = httpRequest(gw.port, `/fixtures/hold.php?dir=${encodeURIComponent(hold.dir)}`);
    await until(async () => (await hold.started()) === 1);
    const timed = async (): Promise<{ status: number; waited: number }> => {
      const sent = performance.now();
      const res = await httpRequest(gw.port, '/users/1');
      return { status: res.status, waited: performance.now() - sent };
    };
    const waiting: Promise<{ status: number; waited: number }>[] = [];
    for (let i = 0; i < 3; i++) {
      waiting.push(timed());
      await until(() => upstream.stats.queued === i + 1);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    const results = await Promise.all(waiting);
    assert.deepEqual(results.map((r) => r.status), [503, 503, 503]);
    for (const { waited } of results) assert.ok(waited >= 390 && waited < 1400, `waited ${waited.toFixed(0)} ms for a 400 ms queue.timeout`);
    assert.equal(upstream.stats.queued, 0);
    await hold.release();
    assert.equal((await first).status, 200);
  });

  /** Starts a request and returns a function that drops the client connection. */
  function abandon(port: number, path: string): () => void {
    const req = request({ host: '127.0.0.1', port, path, agent: false });
    req.on('error', () => {});
    req.end();
    return () => req.destroy();
  }

  test('clients that go away free their slot and their place in the queue', async () => {
    const { gw, upstream } = await gateway({ maxConnections: 1, queue: { max: 10, timeout: 30_000 } });
    const hold = await holdDir();
    const path = `/fixtures/hold.php?dir=${encodeURIComponent(hold.dir)}`;
    const dropRunning = abandon(gw.port, path);
    assert.ok(await until(async () => (await hold.started()) === 1));
    const dropQueued = abandon(gw.port, '/users/1');
    assert.ok(await until(() => upstream.stats.queued === 1));
    dropQueued();
    assert.ok(await until(() => upstream.stats.queued === 0), 'the queued request left the queue');
    dropRunning();
    assert.ok(await until(() => upstream.stats.active === 0), 'the running request gave its slot back');
    // The held php-fpm child is still busy; the next request gets the other one.
    const next = await httpRequest(gw.port, '/users/2');
    assert.equal(next.status, 200);
    await hold.release();
  });
});
