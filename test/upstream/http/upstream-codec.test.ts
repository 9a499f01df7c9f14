/**
 * Responses the gateway's HTTP/1.1 codec refuses from an endpoint, and kept connections that go
 * away under a request: each is a 502 problem (or, once the head is out, a cut client connection)
 * with the upstream connection closed, and never touches a request on another connection. The
 * service is a raw TCP one (raw-backend.ts) writing exactly the bytes each case needs.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { ok, startRawBackend, type RawAnswer, type RawBackend } from './raw-backend.js';

describe('http upstream: what the codec refuses, and kept connections that close', () => {
  let svc: RawBackend;
  let gw: TestGateway;
  const view = () => gw.running.gateway.runtime.upstreams.get('raw')?.describe?.();

  before(async () => {
    svc = await startRawBackend();
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  raw:
    type: http
    endpoints: [${svc.url}]
    retry: { attempts: 1 }
    outlierDetection: { consecutive5xx: 0, consecutiveGatewayFailure: 0 }
routes:
  - any: /{p?}
    to: raw
`);
  });
  after(async () => {
    await gw.stop();
    await svc.close();
  });
  beforeEach(() => {
    svc.answer = ok();
    svc.requests.length = 0;
  });

  /** Answers by path: `/bad` gets `bad`, anything else a normal 200 after `delayMs`. */
  const byPath =
    (bad: RawAnswer, delayMs = 0): RawAnswer =>
    (socket, req) => {
      if (req.path === '/bad') bad(socket, req);
      else setTimeout(() => ok('slow')(socket, req), delayMs);
    };

  it('answers a malformed response head with 502, closes that connection and leaves a request on another one alone', async () => {
    svc.answer = byPath((socket) => socket.write('HTTP/1.1 200 OK\r\nx-folded: a\r\n b\r\ncontent-length: 0\r\n\r\n'), 150);
    const slow = httpRequest(gw.port, '/slow');
    await until(() => svc.requests.length === 1);
    const bad = await httpRequest(gw.port, '/bad');
    assert.equal(bad.status, 502);
    assert.equal(bad.json()['code'], 'SY_ERR_UPSTREAM_PROTOCOL');
    assert.match(String(bad.json()['detail']), /upstream raw .*malformed http response.*obs-fold/);
    const other = await slow;
    assert.equal(other.status, 200, 'the request on the other connection was not affected');
    assert.equal(other.text, 'slow');
    assert.equal((await httpRequest(gw.port, '/after')).status, 200);
  });

  it('refuses a body longer than its Content-Length with 502 and does not keep the connection', async () => {
    svc.answer = byPath((socket) => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\ncontent-length: 8\r\n\r\nsmuggled'));
    const connectionsBefore = svc.connections();
    const bad = await httpRequest(gw.port, '/bad');
    assert.equal(bad.status, 502);
    assert.equal(bad.json()['code'], 'SY_ERR_UPSTREAM_PROTOCOL');
    assert.match(String(bad.json()['detail']), /bytes from the upstream when no response was expected/);
    const next = await httpRequest(gw.port, '/next');
    assert.equal(next.text, 'slow', 'the next request never sees the bytes past the Content-Length');
    assert.equal(svc.connections(), connectionsBefore + 1, 'it went on a new connection');
  });

  it('cuts the client off when the body is shorter than its Content-Length and the upstream closes', async () => {
    svc.answer = byPath((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nonly-this');
      setTimeout(() => socket.end(), 50);
    });
    const received: Buffer[] = [];
    await assert.rejects(httpRequest(gw.port, '/bad', { onChunk: (c) => received.push(c) }));
    assert.equal(Buffer.concat(received).toString(), 'only-this', 'what came was passed on, then the connection was cut');
    assert.equal((await httpRequest(gw.port, '/after')).status, 200);
  });

  it('cuts the client off when the upstream closes in the middle of a chunked body', async () => {
    svc.answer = byPath((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n');
      setTimeout(() => socket.destroy(), 50);
    });
    await assert.rejects(httpRequest(gw.port, '/bad'));
    assert.equal((await httpRequest(gw.port, '/after')).status, 200);
  });

  it('answers 502 when the upstream closes before a byte of the head, on a new connection', async () => {
    svc.answer = byPath((socket) => socket.destroy());
    const res = await httpRequest(gw.port, '/bad', { method: 'POST', body: 'x' });
    assert.equal(res.status, 502);
    assert.equal(res.json()['code'], 'SY_ERR_UPSTREAM_RESET');
  });

  it('sends an idempotent request again on a new connection when a kept one closes under it', async () => {
    // The service closes each connection as its second request arrives, without an answer: what
    // a server whose keep-alive timeout ran out at that moment does.
    svc.answer = (socket, req) => (req.index === 0 ? ok(`first on ${req.connection}`)(socket, req) : socket.destroy());
    assert.equal((await httpRequest(gw.port, '/one')).status, 200);
    const openedBefore = view()?.counters.opened ?? 0;
    const again = await httpRequest(gw.port, '/two');
    assert.equal(again.status, 200, 'retries: 1 does not stop this; it is not a retry of the endpoint');
    assert.match(again.text, /^first on /);
    assert.equal(svc.requests.filter((r) => r.path === '/two').length, 2, 'sent on the kept connection, then on a new one');
    assert.equal(view()?.counters.opened, openedBefore + 1);

    const post = await httpRequest(gw.port, '/three', { method: 'POST', body: 'pay=1' });
    assert.equal(post.status, 502, 'a POST whose body went out is not sent twice');
    assert.equal(post.json()['code'], 'SY_ERR_UPSTREAM_RESET');
    assert.equal(svc.requests.filter((r) => r.path === '/three').length, 1);
  });

  it('keeps the connection for the next request after a clean response, and re-frames a chunked request body', async () => {
    svc.answer = (socket, req) => ok(`${req.connection}:${req.body}`)(socket, req);
    const first = await httpRequest(gw.port, '/a', { method: 'POST', body: 'hello world', chunked: 4 });
    assert.equal(first.text.split(':')[1], 'hello world');
    assert.match((svc.requests.at(-1) as { head: string }).head, /\r\ntransfer-encoding: chunked/i);
    const second = await httpRequest(gw.port, '/b', { method: 'POST', body: 'x=1' });
    assert.equal(second.text, `${first.text.split(':')[0]}:x=1`, 'on the same connection');
  });
});
