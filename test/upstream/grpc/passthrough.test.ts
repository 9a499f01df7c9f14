// Native gRPC through the gateway: a grpc-js client speaks h2c to the gateway's ordinary port and
// a grpc-js server answers behind it. Every call shape, metadata both ways, trailers and status,
// deadlines and cancellation reach the other side; a malformed grpc-timeout is answered as gRPC
// (INVALID_ARGUMENT) and HTTP/1.1 keeps working on the same port.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { startEchoServer, type EchoReply, type EchoServer } from './echo-service.js';

let echo: EchoServer;
let gw: TestGateway;
let client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;

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
  - post: /echo.v1.Echo/{method}
    to: echo
`);
  client = echo.client(`127.0.0.1:${gw.port}`);
});

after(async () => {
  client?.close();
  await gw?.stop();
  await echo?.stop();
});

function unary<T>(method: string, request: object, metadata = new grpc.Metadata(), options: grpc.CallOptions = {}): Promise<{ reply: T; headers: grpc.Metadata; status: grpc.StatusObject }> {
  return new Promise((resolve, reject) => {
    let headers = new grpc.Metadata();
    let reply: T | undefined;
    let error: grpc.ServiceError | undefined;
    const call = client[method]!(request, metadata, options, (err: grpc.ServiceError | null, r: T) => {
      if (err) error = err;
      else reply = r;
    }) as grpc.ClientUnaryCall;
    call.on('metadata', (m: grpc.Metadata) => (headers = m));
    call.on('status', (status: grpc.StatusObject) => (error === undefined ? resolve({ reply: reply as T, headers, status }) : reject(Object.assign(error, { trailers: status.metadata }))));
  });
}

test('a unary call passes with metadata both ways, response headers and trailers', async () => {
  const md = new grpc.Metadata();
  md.set('x-tenant', 'acme');
  md.set('x-blob-bin', Buffer.from([0, 1, 2, 255]));
  const { reply, headers, status } = await unary<EchoReply>('Say', { text: 'world' }, md);
  assert.equal(reply.text, 'hello world');
  assert.equal(status.code, grpc.status.OK);
  assert.deepEqual(headers.get('x-echo-header'), ['head']);
  assert.deepEqual(status.metadata.get('x-echo-trailer'), ['tail']);
  const seen = echo.seen.at(-1) as grpc.Metadata;
  assert.deepEqual(seen.get('x-tenant'), ['acme']);
  assert.deepEqual(seen.get('x-blob-bin'), [Buffer.from([0, 1, 2, 255])]);
});

test('an error status comes back with its message and trailing metadata', async () => {
  await assert.rejects(unary('Fail', { text: 'widget' }), (err: grpc.ServiceError & { trailers: grpc.Metadata }) => {
    assert.equal(err.code, grpc.status.NOT_FOUND);
    assert.equal(err.details, 'no such thing: widget');
    assert.deepEqual(err.trailers.get('x-why'), ['because']);
    return true;
  });
});

test('server streaming: every message in order, then OK', async () => {
  const call = client['Count']!({ text: 'tick', count: 5 }) as grpc.ClientReadableStream<EchoReply>;
  const got: EchoReply[] = [];
  for await (const m of call) got.push(m as EchoReply);
  assert.deepEqual(
    got.map((m) => [m.text, m.index]),
    [0, 1, 2, 3, 4].map((i) => ['tick', i]),
  );
});

test('client streaming: the server sees each message and the half-close', async () => {
  const reply = await new Promise<EchoReply>((resolve, reject) => {
    const call = client['Collect']!((err: grpc.ServiceError | null, r: EchoReply) => (err ? reject(err) : resolve(r))) as grpc.ClientWritableStream<object>;
    for (const text of ['a', 'b', 'c']) call.write({ text });
    call.end();
  });
  assert.deepEqual([reply.text, reply.index], ['a+b+c', 3]);
});

test('bidirectional streaming: each answer arrives before the next request is sent', async () => {
  const call = client['Chat']!() as grpc.ClientDuplexStream<object, EchoReply>;
  const answers: string[] = [];
  for (const text of ['one', 'two', 'three']) {
    call.write({ text });
    const answer = await new Promise<EchoReply>((resolve) => call.once('data', resolve));
    answers.push(answer.text);
  }
  call.end();
  await new Promise((resolve) => call.on('end', resolve));
  assert.deepEqual(answers, ['ONE', 'TWO', 'THREE']);
});

test('a deadline passes to the upstream: DEADLINE_EXCEEDED, and the upstream call is cancelled', async () => {
  const before = echo.cancelled.length;
  await assert.rejects(unary('Slow', { delay_ms: 5_000 }, new grpc.Metadata(), { deadline: Date.now() + 300 }), (err: grpc.ServiceError) => err.code === grpc.status.DEADLINE_EXCEEDED);
  assert.ok(await until(() => echo.cancelled.length > before), 'the server saw the call cancelled');
  assert.ok(Number.isFinite(Number(echo.deadlines.at(-1))), 'the upstream call carried a deadline');
});

test('a client cancelling a call resets the upstream stream', async () => {
  const before = echo.cancelled.length;
  const calls = echo.deadlines.length;
  const call = client['Slow']!({ delay_ms: 5_000 }, () => undefined) as grpc.ClientUnaryCall;
  assert.ok(await until(() => echo.deadlines.length > calls), 'the call reached the server');
  call.cancel();
  assert.ok(await until(() => echo.cancelled.length > before), 'the server saw the call cancelled');
});

test('a malformed grpc-timeout is INVALID_ARGUMENT as Trailers-Only, never reaching the upstream', async () => {
  const session = connect(`http://127.0.0.1:${gw.port}`);
  try {
    const calls = echo.seen.length;
    const stream = session.request({ ':method': 'POST', ':path': '/echo.v1.Echo/Say', 'content-type': 'application/grpc', te: 'trailers', 'grpc-timeout': '10 seconds' });
    stream.end(Buffer.from([0, 0, 0, 0, 0]));
    const head = await new Promise<Record<string, unknown>>((resolve) => stream.on('response', resolve));
    assert.equal(head[':status'], 200);
    assert.equal(head['grpc-status'], '3');
    assert.match(decodeURIComponent(String(head['grpc-message'])), /grpc-timeout/);
    assert.equal(echo.seen.length, calls);
  } finally {
    session.close();
  }
});

test('HTTP/1.1 on the same port still works beside h2c', async () => {
  const res = await httpRequest(gw.port, '/echo.v1.Echo/Say', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(res.status, 415);
  assert.equal(res.headers['content-type'], 'application/problem+json');
  assert.equal(res.json()['code'], 'SY_ERR_GRPC_UNSUPPORTED_MEDIA_TYPE');
  const missing = await httpRequest(gw.port, '/nothing-here');
  assert.equal(missing.status, 404);
});
