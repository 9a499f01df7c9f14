// The listener, router and filter chain in front of a real HTTP service: what a client sees for
// good requests, unknown routes, abusive requests and slow clients.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { parseRawResponse, rawRequest } from '../helpers/raw-http.js';

let service: Server;
let serviceUrl: string;
let gw: TestGateway;

before(async () => {
  service = createServer((req, res) => {
    if (req.url?.endsWith('/echo-headers') === true) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-powered-by': 'PHP/8.2' }).end(JSON.stringify(req.headers));
      return;
    }
    let size = 0;
    req.on('data', (d: Buffer) => (size += d.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url, method: req.method, size })));
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  serviceUrl = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  gw = await startTestGateway(`
listen: 127.0.0.1:0
limits: { headerSize: 2kb, headerCount: 20, bodySize: 1kb }
timeouts: { headers: 300ms, body: 2s }
accessLog: ./access.log
upstreams:
  svc: { type: http, endpoints: [${serviceUrl}] }
middleware:
  secure: { type: headers, request: { set: { X-From-Edge: '1' }, remove: [X-Remove-Me] }, response: { set: { X-Frame-Options: DENY }, remove: [X-Powered-By] } }
  cors: { type: cors, origins: ['https://app.example.com'], credentials: true, maxAge: 10m }
routes:
  - get: /user/{id}
    where: { id: '\\d+' }
    to: svc
    name: user.show
  - post: /upload
    to: svc
    bodyLimit: 64kb
  - post: /small
    to: svc
  - group: { prefix: /api, middleware: [secure, cors] }
    routes:
      - get: /echo-headers
        to: svc
      - match: [get, post]
        path: /things
        to: svc
`);
});

after(async () => {
  await gw.stop();
  await new Promise((r) => service.close(r));
});

async function problem(res: Response): Promise<Record<string, unknown>> {
  assert.equal(res.headers.get('content-type'), 'application/problem+json');
  return (await res.json()) as Record<string, unknown>;
}

describe('routing', () => {
  test('a matched route reaches the service with its path and query', async () => {
    const res = await fetch(`${gw.url}/user/42?tab=posts`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { url: '/user/42?tab=posts', method: 'GET', size: 0 });
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f]{32}$/);
  });

  test("a client's valid X-Request-Id is kept, an invalid one replaced", async () => {
    const kept = await fetch(`${gw.url}/user/1`, { headers: { 'x-request-id': 'lb-7f3a9c2e-0001' } });
    assert.equal(kept.headers.get('x-request-id'), 'lb-7f3a9c2e-0001');
    const replaced = await fetch(`${gw.url}/user/1`, { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.notEqual(replaced.headers.get('x-request-id'), 'bad id with spaces');
  });

  test('no route: 404 problem+json with code and request id', async () => {
    const res = await fetch(`${gw.url}/user/abc`);
    assert.equal(res.status, 404);
    const body = await problem(res);
    assert.equal(body['code'], 'SY_ERR_ROUTE_NOT_FOUND');
    assert.equal(body['status'], 404);
    assert.equal(body['requestId'], res.headers.get('x-request-id'));
  });

  test('wrong method: 405 with Allow', async () => {
    const res = await fetch(`${gw.url}/api/things`, { method: 'DELETE' });
    assert.equal(res.status, 405);
    const allow = (res.headers.get('allow') ?? '').split(/,\s*/).sort();
    assert.deepEqual(allow, ['GET', 'HEAD', 'POST']);
    assert.equal((await problem(res))['code'], 'SY_ERR_METHOD_NOT_ALLOWED');
  });
});

describe('filters', () => {
  test('headers middleware edits the request and the response', async () => {
    const res = await fetch(`${gw.url}/api/echo-headers`, { headers: { 'x-remove-me': 'secret' } });
    const seen = (await res.json()) as Record<string, string>;
    assert.equal(seen['x-from-edge'], '1');
    assert.equal(seen['x-remove-me'], undefined);
    assert.equal(seen['x-forwarded-for'], '127.0.0.1');
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-powered-by'), null);
  });

  test('CORS preflight is answered at the edge for an allowed origin', async () => {
    const res = await fetch(`${gw.url}/api/things`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(res.headers.get('access-control-max-age'), '600');
    assert.equal(res.headers.get('access-control-allow-headers'), 'content-type');
  });

  test('CORS: a disallowed origin gets 403 on preflight and no CORS headers otherwise', async () => {
    const pre = await fetch(`${gw.url}/api/things`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    assert.equal(pre.status, 403);
    assert.equal((await problem(pre))['code'], 'SY_ERR_CORS_REJECTED');
    const simple = await fetch(`${gw.url}/api/things`, { headers: { origin: 'https://evil.example' } });
    assert.equal(simple.status, 200);
    assert.equal(simple.headers.get('access-control-allow-origin'), null);
    const allowed = await fetch(`${gw.url}/api/things`, { headers: { origin: 'https://app.example.com' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.match(allowed.headers.get('vary') ?? '', /Origin/);
  });
});

describe('limits and bad input', () => {
  test('a body over the route limit is refused with 413 before it is read', async () => {
    const res = await fetch(`${gw.url}/small`, { method: 'POST', body: 'x'.repeat(2048) });
    assert.equal(res.status, 413);
    assert.equal((await problem(res))['code'], 'SY_ERR_BODY_TOO_LARGE');
    const ok = await fetch(`${gw.url}/upload`, { method: 'POST', body: 'x'.repeat(2048) });
    assert.equal(ok.status, 200, 'the per-route bodyLimit overrides the global one');
    assert.equal(((await ok.json()) as { size: number }).size, 2048);
  });

  test('an oversized header block gets 431 problem+json', async () => {
    const res = await fetch(`${gw.url}/user/1`, { headers: { 'x-big': 'y'.repeat(4096) } });
    assert.equal(res.status, 431);
    assert.equal((await problem(res))['code'], 'SY_ERR_HEADERS_TOO_LARGE');
  });

  test('too many header fields get 431', async () => {
    const headers: Record<string, string> = {};
    for (let i = 0; i < 25; i++) headers[`x-h${i}`] = 'v';
    const res = await fetch(`${gw.url}/user/1`, { headers });
    assert.equal(res.status, 431);
  });

  test('Content-Length together with Transfer-Encoding is refused (RFC 9112 §6.3)', async () => {
    const raw = await rawRequest(gw.url, ['POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /user/1 HTTP/1.1\r\nHost: x\r\n\r\n']);
    const res = parseRawResponse(raw);
    assert.equal(res.status, 400);
    assert.equal(JSON.parse(res.body).code, 'SY_ERR_BAD_REQUEST');
    assert.equal(raw.match(/HTTP\/1\.1/g)?.length, 1, 'the smuggled second request is never answered');
  });

  test('a malformed request line gets 400 and the gateway keeps serving', async () => {
    const res = parseRawResponse(await rawRequest(gw.url, ['GET /a b c\x01 HTTP/1.1\r\n\r\n']));
    assert.equal(res.status, 400);
    assert.equal((await fetch(`${gw.url}/user/1`)).status, 200);
  });

  test('a client that sends headers too slowly gets 408', async () => {
    const raw = await rawRequest(gw.url, ['GET /user/1 HTTP/1.1\r\n', 'Host: x\r\n'], { gapMs: 50 });
    const res = parseRawResponse(raw);
    assert.equal(res.status, 408);
    assert.equal(JSON.parse(res.body).code, 'SY_ERR_REQUEST_TIMEOUT');
  });
});

test('the access log has one JSON line per request with the fields logs reads', async () => {
  await fetch(`${gw.url}/user/7?x=1`, { headers: { 'user-agent': 'test-agent/1.0' } });
  const file = join(gw.dir, 'access.log');
  let entry: Record<string, unknown> | undefined;
  // The log is written asynchronously; poll the file for the line (bounded).
  for (let i = 0; i < 100 && entry === undefined; i++) {
    gw.running.gateway.flushAccessLog();
    const text = await readFile(file, 'utf8').catch(() => '');
    entry = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((e) => e['path'] === '/user/7?x=1');
    if (entry === undefined) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(entry, 'line was written');
  assert.equal(entry['method'], 'GET');
  assert.equal(entry['status'], 200);
  assert.equal(entry['route'], 'user.show');
  assert.equal(entry['upstream'], 'svc');
  assert.equal(entry['remote'], '127.0.0.1');
  assert.equal(entry['userAgent'], 'test-agent/1.0');
  assert.equal(typeof entry['duration'], 'number');
  assert.ok((entry['bytes'] as number) > 0);
  assert.match(String(entry['time']), /^\d{4}-\d\d-\d\dT/);
  assert.match(String(entry['requestId']), /^[0-9a-f]{32}$/);
});
