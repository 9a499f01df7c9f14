// HTTP/2 on the gateway's one port: a client with prior knowledge (h2c, as gRPC clients and
// `curl --http2-prior-knowledge` speak it) and an HTTP/1.1 client on the same port, both through
// the router to an http upstream; the gateway's own problems, the access log and concurrent
// streams of one connection work on HTTP/2 too; a connection that never sends a byte is closed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect as connectH2, type ClientHttp2Session } from 'node:http2';
import { connect, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { until } from '../helpers/until.js';

let service: Server;
let gw: TestGateway;
let dir: string;

before(async () => {
  service = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // Hop-by-hop fields the gateway must not pass on to an HTTP/2 client.
      res.writeHead(200, { 'content-type': 'text/plain', 'x-seen-host': String(req.headers.host), connection: 'keep-alive', 'keep-alive': 'timeout=5' });
      res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
    });
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  dir = await mkdtemp(join(tmpdir(), 'sy-h2-'));
  gw = await startTestGateway(
    `
listen: 127.0.0.1:0
accessLog: ${join(dir, 'access.log')}
timeouts: { headers: 300ms }
upstreams:
  svc: { type: http, endpoints: ['http://127.0.0.1:${(service.address() as AddressInfo).port}'] }
routes:
  - any: /api/{path?}
    where: { path: '.*' }
    to: svc
    name: api
`,
    { dir },
  );
});

after(async () => {
  await gw?.stop();
  await new Promise((resolve) => service.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function h2(): ClientHttp2Session {
  return connectH2(`http://127.0.0.1:${gw.port}`);
}

async function get(session: ClientHttp2Session, path: string, method = 'GET', body?: string): Promise<{ head: Record<string, unknown>; text: string }> {
  const stream = session.request({ ':method': method, ':path': path });
  stream.end(body);
  const [head] = (await once(stream, 'response')) as [Record<string, unknown>];
  let text = '';
  for await (const c of stream) text += String(c);
  return { head, text };
}

test('an h2c request reaches an http upstream through the router, Host from :authority', async () => {
  const session = h2();
  try {
    const { head, text } = await get(session, '/api/hello?x=1', 'POST', 'body!');
    assert.equal(head[':status'], 200);
    assert.equal(text, 'POST /api/hello?x=1 body!');
    assert.equal(head['x-seen-host'], `127.0.0.1:${gw.port}`);
    assert.equal(head['connection'], undefined);
    assert.ok(head['x-request-id'], 'the gateway sets its request id');
  } finally {
    session.close();
  }
});

test('several streams on one HTTP/2 connection are served concurrently', async () => {
  const session = h2();
  try {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => get(session, `/api/n/${i}`)));
    assert.deepEqual(answers.map((a) => a.text), Array.from({ length: 10 }, (_, i) => `GET /api/n/${i} `));
  } finally {
    session.close();
  }
});

test("the gateway's own problem+json answers over HTTP/2 (no connection-specific fields)", async () => {
  const session = h2();
  try {
    const { head, text } = await get(session, '/nowhere');
    assert.equal(head[':status'], 404);
    assert.equal(head['content-type'], 'application/problem+json');
    assert.equal((JSON.parse(text) as { code: string }).code, 'SY_ERR_ROUTE_NOT_FOUND');
  } finally {
    session.close();
  }
});

test('HTTP/1.1 on the same port, and both kinds in the access log', async () => {
  const res = await httpRequest(gw.port, '/api/one');
  assert.equal(res.status, 200);
  assert.equal(res.text, 'GET /api/one ');
  const session = h2();
  await get(session, '/api/two');
  session.close();
  gw.running.gateway.flushAccessLog();
  const lines = async () => (await readFile(join(dir, 'access.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(await until(async () => (await lines()).some((l) => String(l['path']).includes('/api/two')), 3_000), 'the HTTP/2 request is logged');
  const logged = await lines();
  for (const path of ['/api/one', '/api/two']) assert.equal(logged.find((l) => String(l['path']).startsWith(path))?.['status'], 200, path);
});

test('a connection that never sends a byte is closed after timeouts.headers', async () => {
  const socket = connect(gw.port, '127.0.0.1');
  await once(socket, 'connect');
  const closed = await until(() => socket.destroyed || socket.readableEnded, 5_000);
  socket.destroy();
  assert.ok(closed, 'the silent connection was closed');
});
