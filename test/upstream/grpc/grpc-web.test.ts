// gRPC-Web through the gateway to a plain gRPC server: binary and text (base64) bodies made by
// hand over HTTP/1.1 and over HTTP/2, the trailers as the last frame flagged 0x80, streaming
// answers, CORS for browsers on another origin, and a malformed grpc-timeout answered 400.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { startEchoServer, type EchoServer } from './echo-service.js';

let echo: EchoServer;
let gw: TestGateway;

before(async () => {
  echo = await startEchoServer();
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  echo:
    type: grpc
    endpoints: [${echo.url}]
routes:
  - any: /echo.v1.Echo/{method}
    to: echo
`);
});

after(async () => {
  await gw?.stop();
  await echo?.stop();
});

/** EchoRequest { text = 1, count = 2 } encoded by hand. */
function echoRequest(text: string, count = 0): Buffer {
  const t = Buffer.from(text);
  return Buffer.concat([Buffer.from([0x0a, t.length]), t, count > 0 ? Buffer.from([0x10, count]) : Buffer.alloc(0)]);
}

function framed(message: Buffer, flags = 0): Buffer {
  const head = Buffer.alloc(5);
  head[0] = flags;
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** The frames of a gRPC-Web body: messages (EchoReply.text) and the trailer block. */
function parse(body: Buffer): { texts: string[]; trailers: Record<string, string> } {
  const texts: string[] = [];
  const trailers: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const flags = body[i] as number;
    const len = body.readUInt32BE(i + 1);
    const data = body.subarray(i + 5, i + 5 + len);
    i += 5 + len;
    if ((flags & 0x80) !== 0) {
      for (const line of data.toString('latin1').split('\r\n').filter(Boolean)) {
        const at = line.indexOf(':');
        trailers[line.slice(0, at)] = line.slice(at + 1).trim();
      }
    } else {
      // EchoReply: text = 1 (length-delimited) first.
      texts.push(data[0] === 0x0a ? data.subarray(2, 2 + (data[1] as number)).toString() : '');
    }
  }
  return { texts, trailers };
}

test('binary gRPC-Web over HTTP/1.1: the answer and its trailers as the last frame', async () => {
  const res = await httpRequest(gw.port, '/echo.v1.Echo/Say', { method: 'POST', headers: { 'content-type': 'application/grpc-web+proto', 'x-grpc-web': '1', 'x-tenant': 'web' }, body: framed(echoRequest('browser')) });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/grpc-web+proto');
  assert.equal(res.headers['x-echo-header'], 'head');
  const { texts, trailers } = parse(res.body);
  assert.deepEqual(texts, ['hello browser']);
  assert.equal(trailers['grpc-status'], '0');
  assert.equal(trailers['x-echo-trailer'], 'tail');
  assert.deepEqual(echo.seen.at(-1)?.get('x-tenant'), ['web']);
});

test('text gRPC-Web: base64 both ways, a server stream, sent in odd-sized chunks', async () => {
  const body = framed(echoRequest('b64', 3)).toString('base64');
  const res = await httpRequest(gw.port, '/echo.v1.Echo/Count', { method: 'POST', headers: { 'content-type': 'application/grpc-web-text', accept: 'application/grpc-web-text' }, body, chunked: 3 });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/grpc-web-text+proto');
  const { texts, trailers } = parse(Buffer.from(res.text, 'base64'));
  assert.deepEqual(texts, ['b64', 'b64', 'b64']);
  assert.equal(trailers['grpc-status'], '0');
});

test('an error status is in the trailer frame (and the head, when the answer is Trailers-Only)', async () => {
  const res = await httpRequest(gw.port, '/echo.v1.Echo/Fail', { method: 'POST', headers: { 'content-type': 'application/grpc-web' }, body: framed(echoRequest('gadget')) });
  assert.equal(res.status, 200);
  const { texts, trailers } = parse(res.body);
  assert.deepEqual(texts, []);
  assert.equal(trailers['grpc-status'], '5');
  assert.equal(decodeURIComponent(trailers['grpc-message'] ?? ''), 'no such thing: gadget');
  assert.equal(trailers['x-why'], 'because');
});

test('gRPC-Web over HTTP/2 (h2c) works the same', async () => {
  const session = connect(`http://127.0.0.1:${gw.port}`);
  try {
    const stream = session.request({ ':method': 'POST', ':path': '/echo.v1.Echo/Say', 'content-type': 'application/grpc-web' });
    stream.end(framed(echoRequest('h2')));
    const chunks: Buffer[] = [];
    const head = await new Promise<Record<string, unknown>>((resolve) => stream.on('response', resolve));
    for await (const c of stream) chunks.push(c as Buffer);
    assert.equal(head[':status'], 200);
    const { texts, trailers } = parse(Buffer.concat(chunks));
    assert.deepEqual(texts, ['hello h2']);
    assert.equal(trailers['grpc-status'], '0');
  } finally {
    session.close();
  }
});

test('CORS: status fields exposed to the page, and a preflight answered for POST', async () => {
  const res = await httpRequest(gw.port, '/echo.v1.Echo/Say', { method: 'POST', headers: { 'content-type': 'application/grpc-web', origin: 'https://app.example' }, body: framed(echoRequest('cors')) });
  assert.equal(res.headers['access-control-allow-origin'], 'https://app.example');
  assert.match(String(res.headers['access-control-expose-headers']), /grpc-status/);
  const pre = await httpRequest(gw.port, '/echo.v1.Echo/Say', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-grpc-web' } });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example');
  assert.equal(pre.headers['access-control-allow-headers'], 'content-type,x-grpc-web');
});

test('a malformed grpc-timeout from a gRPC-Web client is a 400 problem', async () => {
  const calls = echo.seen.length;
  const res = await httpRequest(gw.port, '/echo.v1.Echo/Say', { method: 'POST', headers: { 'content-type': 'application/grpc-web', 'grpc-timeout': '-5S' }, body: framed(echoRequest('x')) });
  assert.equal(res.status, 400);
  assert.equal(res.headers['content-type'], 'application/problem+json');
  assert.equal(res.json()['code'], 'SY_ERR_GRPC_TIMEOUT');
  assert.equal(echo.seen.length, calls);
});

test('a malformed X-Error-Chain from the client is dropped before the gRPC server, a valid one passes', async () => {
  const call = (chain: string) =>
    httpRequest(gw.port, '/echo.v1.Echo/Say', { method: 'POST', headers: { 'content-type': 'application/grpc-web+proto', 'x-error-chain': chain }, body: framed(echoRequest('chained')) });
  assert.equal((await call('%%% not base64')).status, 200);
  assert.deepEqual(echo.seen.at(-1)?.get('x-error-chain'), []);
  const valid = Buffer.from(JSON.stringify([{ source: 'php', detail: 'upstream of the caller failed' }])).toString('base64');
  assert.equal((await call(valid)).status, 200);
  assert.deepEqual(echo.seen.at(-1)?.get('x-error-chain'), [valid]);
});
