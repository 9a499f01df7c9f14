// The gateway's own HTTP/1.1 listener as a client meets it on the wire: pipelined requests
// answered in order, one at a time; a response sent before its request's body still leaves the
// connection usable; HEAD, HTTP/1.0 and 100-continue framed as RFC 9112 says; a broken request
// closes only its own connection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { rawRequest } from '../helpers/raw-http.js';

let service: Server;
let gw: TestGateway;
/** Paths the service was asked for, in order. */
const seen: string[] = [];
/** Releases the held /hold request. */
let release: (() => void) | undefined;
let held: Promise<void> | undefined;

before(async () => {
  service = createServer((req: IncomingMessage, res) => {
    seen.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/hold') {
        held = new Promise<void>((r) => (release = r)).then(() => void res.end('held'));
        return;
      }
      if (req.url === '/stream') {
        // No Content-Length: the gateway frames it chunked, or by closing for HTTP/1.0.
        res.write('part one, ');
        res.end('part two');
        return;
      }
      res.setHeader('content-type', 'text/plain');
      res.end(req.method === 'POST' ? `got ${Buffer.concat(chunks).toString()}` : `hello ${req.url}`);
    });
  });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  gw = await startTestGateway(`listen: 127.0.0.1:0
accessLog: off
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}] }
routes:
  - get: /{path}
    where: { path: '.*' }
    to: svc
  - post: /echo
    to: svc
`);
});

after(async () => {
  await gw?.stop();
  await new Promise((r) => service.close(r));
});

/** A connection that collects everything the gateway sends. */
async function open(): Promise<{ socket: Socket; received: () => string; until: (text: string, count?: number) => Promise<void> }> {
  const socket = connect(gw.port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  const waiters: (() => void)[] = [];
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    for (const w of waiters.splice(0)) w();
  });
  const until = async (needle: string, count = 1): Promise<void> => {
    while (text.split(needle).length - 1 < count) {
      if (socket.destroyed) throw new Error(`connection closed before ${count}x ${JSON.stringify(needle)}: ${text}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        socket.once('close', r);
      });
    }
  };
  return { socket, received: () => text, until };
}

/** Status codes of the responses in `raw`; a response starts right after the previous body. */
const statuses = (raw: string) => [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

/** The data of a complete chunked body; throws on bad framing. */
function dechunk(body: string): string {
  let out = '';
  for (let at = 0; ; ) {
    const eol = body.indexOf('\r\n', at);
    const size = Number.parseInt(body.slice(at, eol), 16);
    assert.ok(Number.isInteger(size), `chunk size at ${at}: ${JSON.stringify(body)}`);
    if (size === 0) {
      assert.equal(body.slice(eol), '\r\n\r\n', 'the body ends with the last chunk');
      return out;
    }
    out += body.slice(eol + 2, eol + 2 + size);
    assert.equal(body.slice(eol + 2 + size, eol + 4 + size), '\r\n');
    at = eol + 4 + size;
  }
}

describe('the gateway HTTP/1.1 listener', () => {
  test('pipelined requests are served one at a time and answered in the order they came', async () => {
    seen.length = 0;
    const conn = await open();
    conn.socket.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\nGET /third HTTP/1.1\r\nHost: x\r\n\r\n');
    while (release === undefined) await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ['GET /hold'], 'the second request waits for the first response');
    release();
    release = undefined;
    await held;
    await conn.until('HTTP/1.1 200', 3);
    const raw = conn.received();
    assert.ok(raw.indexOf('held') < raw.indexOf('hello /second') && raw.indexOf('hello /second') < raw.indexOf('hello /third'), raw);
    assert.deepEqual(seen, ['GET /hold', 'GET /second', 'GET /third']);
    conn.socket.destroy();
  });

  test('a request answered before its body arrived: the body is read and dropped, the next request is served', async () => {
    const conn = await open();
    // No route for POST /nope: a 404 goes out before the body is read. The body must not be
    // taken for the next request.
    conn.socket.write('POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 26\r\n\r\n');
    await conn.until('HTTP/1.1 40');
    conn.socket.write('GET /smuggled HTTP/1.1\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n');
    await conn.until('hello /after');
    assert.deepEqual(statuses(conn.received()), [405, 200]);
    assert.ok(!conn.received().includes('smuggled'), conn.received());
    conn.socket.destroy();
  });

  test('HEAD gets the head without a body, and the connection serves the next request', async () => {
    const conn = await open();
    conn.socket.write('HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n');
    await conn.until('hello /g');
    const raw = conn.received();
    assert.deepEqual(statuses(raw), [200, 200]);
    const firstHeadEnd = raw.indexOf('\r\n\r\n') + 4;
    assert.ok(raw.slice(firstHeadEnd).startsWith('HTTP/1.1 200'), `no body bytes after the HEAD response: ${raw}`);
    conn.socket.destroy();
  });

  test('an HTTP/1.0 client gets a body of unknown length delimited by the close, never chunked', async () => {
    const raw = await rawRequest(gw.url, ['GET /stream HTTP/1.0\r\n\r\n']);
    const [head, body] = raw.split('\r\n\r\n') as [string, string];
    assert.match(head, /^HTTP\/1\.1 200/);
    assert.doesNotMatch(head, /transfer-encoding/i);
    assert.match(head, /connection: close/i);
    assert.equal(body, 'part one, part two');
  });

  test('an HTTP/1.1 client gets the same body chunked on a kept connection', async () => {
    const conn = await open();
    conn.socket.write('GET /stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await conn.until('0\r\n\r\n');
    const raw = conn.received();
    assert.match(raw, /transfer-encoding: chunked/i);
    assert.equal(dechunk(raw.slice(raw.indexOf('\r\n\r\n') + 4)), 'part one, part two');
    assert.ok(!conn.socket.destroyed);
    conn.socket.destroy();
  });

  test('Expect: 100-continue gets 100 Continue before the body is sent, then the answer', async () => {
    const conn = await open();
    conn.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n');
    await conn.until('HTTP/1.1 100 Continue\r\n\r\n');
    conn.socket.write('hello');
    await conn.until('got hello');
    assert.deepEqual(statuses(conn.received()), [100, 200]);
    conn.socket.destroy();
  });

  test('a malformed chunk ends that connection with 400; a client on another connection is served', async () => {
    const raw = await rawRequest(gw.url, ['POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n']);
    assert.deepEqual(statuses(raw), [400]);
    assert.match(raw, /SY_ERR_BAD_REQUEST/);
    assert.match(raw, /chunk size/);
    assert.equal(await (await fetch(`${gw.url}/ok`)).text(), 'hello /ok');
  });

  test('a client that leaves in the middle of its body costs nothing to the next client', async () => {
    const conn = await open();
    conn.socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly part of it');
    conn.socket.destroy();
    const res = await fetch(`${gw.url}/echo`, { method: 'POST', body: 'whole' });
    assert.equal(await res.text(), 'got whole');
  });
});
