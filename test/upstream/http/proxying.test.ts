/**
 * The http upstream as a client sees it: method, path, query and body arrive at the service;
 * forwarding headers added, hop-by-hop ones dropped; path rewrite and Host choice per route;
 * every Set-Cookie kept.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { request } from 'node:http';
import { httpRequest } from '../../helpers/http-request.js';
import { startBackend, type Backend } from './backend.js';

describe('http upstream proxying', () => {
  let svc: Backend;
  let gw: TestGateway;

  before(async () => {
    svc = await startBackend('svc');
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  svc: { type: http, endpoints: [${svc.url}] }
routes:
  - get: /api/{rest}
    where: { rest: '.*' }
    to: svc
    stripPrefix: /api
  - get: /users/{id}
    to: svc
    rewrite: /v2/accounts/{id}
    hostHeader: upstream
  - post: /echo
    to: svc
    hostHeader: users.internal
  - get: /plain
    to: svc
`);
  });
  after(async () => {
    await gw.stop();
    await svc.close();
  });

  it('strips the prefix and keeps the query', async () => {
    const res = await httpRequest(gw.port, '/api/items/7?sort=asc');
    assert.equal(res.status, 200);
    assert.equal(res.json()['url'], '/items/7?sort=asc');
  });

  it('rewrites the path from route parameters and sends the endpoint host', async () => {
    const res = await httpRequest(gw.port, '/users/42?x=1', { headers: { host: 'edge.example.com' } });
    const body = res.json<{ url: string; headers: Record<string, string> }>();
    assert.equal(body.url, '/v2/accounts/42?x=1');
    assert.equal(body.headers['host'], `127.0.0.1:${svc.port}`);
    assert.equal(body.headers['x-forwarded-host'], 'edge.example.com');
  });

  it('streams a request body through and sends a literal host', async () => {
    const payload = 'x'.repeat(200_000);
    const res = await httpRequest(gw.port, '/echo', { method: 'POST', body: payload, chunked: 16_384 });
    const body = res.json<{ body: string; headers: Record<string, string> }>();
    assert.equal(body.body.length, payload.length);
    assert.equal(body.headers['host'], 'users.internal');
  });

  it('adds forwarding headers, Via, and drops hop-by-hop ones', async () => {
    const res = await httpRequest(gw.port, '/plain', { headers: { host: 'shop.example', connection: 'keep-alive, x-secret', 'x-secret': 'drop me', 'x-forwarded-for': '203.0.113.9' } });
    const h = res.json<{ headers: Record<string, string> }>().headers;
    assert.equal(h['host'], 'shop.example', 'the client Host is preserved by default');
    assert.equal(h['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['forwarded'], 'for=127.0.0.1;proto=http;host="shop.example"');
    assert.equal(h['via'], '1.1 switchyard');
    assert.equal(h['x-secret'], undefined);
    assert.ok(h['x-request-id']);
    assert.equal(res.headers['via'], '1.1 switchyard');
    assert.deepEqual(res.headers['set-cookie'], ['a=1', 'b=2']);
  });

  it("appends its element to the client's Forwarded (RFC 7239 section 4), never replacing it", async () => {
    const ours = 'for=127.0.0.1;proto=http;host="shop.example"';
    const cases: [sent: string | string[], received: string][] = [
      ['for=192.0.2.60;proto=https;by=203.0.113.43', `for=192.0.2.60;proto=https;by=203.0.113.43, ${ours}`],
      ['for=192.0.2.43, for="[2001:db8:cafe::17]:4711"', `for=192.0.2.43, for="[2001:db8:cafe::17]:4711", ${ours}`],
      // Two header lines are one list, in the order sent (RFC 9110 section 5.3).
      [['for=192.0.2.43', 'for=198.51.100.17;by=203.0.113.60'], `for=192.0.2.43, for=198.51.100.17;by=203.0.113.60, ${ours}`],
    ];
    for (const [sent, received] of cases) {
      const headers: Record<string, string | string[]> = { host: 'shop.example', forwarded: sent };
      const res = await httpRequest(gw.port, '/plain', { headers });
      assert.equal(res.json<{ headers: Record<string, string> }>().headers['forwarded'], received, `client sent ${JSON.stringify(sent)}`);
    }
  });

  it('takes a body sent with Expect: 100-continue, as curl sends large uploads', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: gw.port, path: '/echo', method: 'POST', headers: { expect: '100-continue', 'content-length': '5000' } });
      req.on('continue', () => req.end('y'.repeat(5000)));
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
    });
    const echoed = JSON.parse(body) as { body: string; headers: Record<string, string> };
    assert.equal(echoed.body.length, 5000);
    assert.equal(echoed.headers['expect'], undefined);
  });
});
