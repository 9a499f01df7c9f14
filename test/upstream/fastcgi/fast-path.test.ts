// The lean FastCGI path: with a slot and a kept connection free, a request is on its way to
// php-fpm before handle() returns (no promise hop, timer or abort object in between); a queued
// request starts in the turn that frees its slot; small bodies are read before a slot is taken
// and go out with the request's records.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Exchange } from '../../../src/listener/exchange.js';
import { sendProblem } from '../../../src/listener/problem.js';
import { reportedTables } from '../../../src/cluster/reported-tables.js';
import { createFastcgiUpstream, type FastcgiUpstream } from '../../../src/upstream/fastcgi/fastcgi-upstream.js';
import { testRoute } from '../../helpers/exchange-server.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { fastcgiConfig } from './php-app.js';
import { okResponse, startFakeFastcgi, useFakeUpstream, type FakeFastcgi } from './fake-fastcgi.js';

const HEAD = 'Content-Type: text/plain\r\n\r\n';

describe('a request with a slot and a kept connection free', () => {
  let fake: FakeFastcgi;
  let upstream: FastcgiUpstream;
  let server: Server;
  let root: string;
  /** Requests started on the kept connection, as its table row counts them, just after handle() returned. */
  const seen: { idleBefore: number; idleAfter: number; startedAfter: number }[] = [];
  const started = (): number => reportedTables.get('upstream "legacy"')?.view().reduce((n, c) => n + c.requests, 0) ?? 0;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'switchyard-fast-path-'));
    await writeFile(join(root, 'index.php'), '');
    fake = await startFakeFastcgi(({ socket, params }) => socket.write(okResponse(`${HEAD}${params.get('REQUEST_URI')}`)));
    upstream = createFastcgiUpstream(fastcgiConfig({ root, address: { kind: 'unix', path: fake.socketPath }, maxConnections: 1 }), pino({ level: 'silent' }));
    server = createServer((req, res) => {
      const exchange = new Exchange(req, res, `r${seen.length}`, pino({ level: 'silent' }));
      exchange.match = { route: testRoute(), params: {} };
      const idleBefore = upstream.stats.idle;
      const done = upstream.handle(exchange);
      seen.push({ idleBefore, idleAfter: upstream.stats.idle, startedAfter: started() });
      done.catch((err: unknown) => sendProblem(exchange, err));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await upstream?.close();
    await fake?.close();
    await rm(root, { recursive: true, force: true });
  });

  test('is written to php-fpm before handle() returns', async () => {
    const port = (server.address() as AddressInfo).port;
    assert.equal((await httpRequest(port, '/first')).text, '/first');
    assert.equal((await httpRequest(port, '/second')).text, '/second');
    const second = seen[1];
    assert.equal(second?.idleBefore, 1, 'the first request left its connection kept');
    assert.equal(second?.idleAfter, 0, 'the kept connection was taken synchronously');
    assert.equal(second?.startedAfter, 2, 'and the request started on it synchronously');
    assert.equal(fake.connections(), 1);
  });
});

describe('queued requests', () => {
  const gw = useFakeUpstream(({ socket, params }) => setTimeout(() => socket.write(okResponse(`${HEAD}${params.get('REQUEST_URI')}`)), 20), {
    upstream: { maxConnections: 1 },
  });

  test('each takes the slot and the kept connection its predecessor left', async () => {
    const paths = ['/a', '/b', '/c', '/d', '/e'];
    const results = await Promise.all(paths.map((p) => httpRequest(gw.port, p)));
    assert.deepEqual(results.map((r) => r.text), paths);
    assert.equal(gw.fake.connections(), 1, 'one connection carried all five');
    assert.equal(gw.upstream.stats.active, 0);
    assert.equal(gw.upstream.stats.queued, 0);
  });
});

describe('a small request body', () => {
  const bodies: string[] = [];
  const gw = useFakeUpstream(
    ({ socket, params, stdin }) => {
      bodies.push(stdin.toString());
      socket.write(okResponse(`${HEAD}${params.get('REQUEST_METHOD')} ${params.get('CONTENT_LENGTH')} ${stdin.toString()}`));
    },
    { upstream: { maxConnections: 1 } },
  );

  test('reaches php-fpm whole, with its CONTENT_LENGTH', async () => {
    const res = await httpRequest(gw.port, '/form', { method: 'POST', body: 'name=ada&lang=php' });
    assert.equal(res.text, 'POST 17 name=ada&lang=php');
  });

  test('is read before a php-fpm slot is taken: a slow uploader holds no child', async () => {
    const client = connect(gw.port, '127.0.0.1');
    client.on('error', () => {});
    let answer = '';
    client.on('data', (b: Buffer) => (answer += b.toString()));
    client.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nConnection: close\r\n\r\nhello');
    // The only slot stays free while the rest of the body is awaited.
    const other = await httpRequest(gw.port, '/other');
    assert.equal(other.text, 'GET  ');
    assert.equal(gw.fake.requests(), 2, 'the slow POST has not reached php-fpm');
    client.write('world');
    assert.ok(await until(() => answer.includes('POST 10 helloworld')), answer);
    client.destroy();
  });

  test('cut short by the client never reaches php-fpm, and the next request is served', async () => {
    const before = gw.fake.requests();
    const client = connect(gw.port, '127.0.0.1');
    client.on('error', () => {});
    await new Promise<void>((resolve) => client.write('POST /cut HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial', () => resolve()));
    client.destroy();
    assert.equal((await httpRequest(gw.port, '/after')).text, 'GET  ');
    assert.equal(gw.fake.requests(), before + 1, 'only the request after it ran');
    assert.ok(!bodies.includes('partial'));
    assert.equal(gw.upstream.stats.active, 0);
  });
});
