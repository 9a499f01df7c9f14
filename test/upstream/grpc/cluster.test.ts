// The grpc upstream's cluster side: descriptors from server reflection (v1, and v1alpha when v1
// is missing, imports fetched by name), health checks by grpc.health.v1 taking an endpoint out,
// an HTTP/1-only endpoint as a precise 502, and the GrpcInvoker the transcoder calls through.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt/google/protobuf/descriptor_pb.js';
import * as grpc from '@grpc/grpc-js';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/config/problems.js';
import type { GrpcUpstreamConfig } from '../../../src/config/types.js';
import type { GrpcUpstream } from '../../../src/upstream/grpc/grpc-upstream.js';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { httpRequest } from '../../helpers/http-request.js';
import { until } from '../../helpers/until.js';
import { startEchoServer, type EchoServer } from './echo-service.js';

const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const c of cleanup.reverse()) await c();
});

async function echoServer(options: Parameters<typeof startEchoServer>[0] = {}): Promise<EchoServer> {
  const s = await startEchoServer(options);
  cleanup.push(() => s.stop());
  return s;
}

async function gateway(yaml: string): Promise<TestGateway> {
  const g = await startTestGateway(yaml);
  cleanup.push(() => g.stop());
  return g;
}

const reflectionConfig = (url: string) => `
upstreams:
  echo: { type: grpc, endpoints: [${url}], proto: { reflection: true } }
routes:
  - post: /echo.v1.Echo/{method}
    to: echo
`;

function fileNames(config: GrpcUpstreamConfig): string[] {
  return fromBinary(FileDescriptorSetSchema, config.descriptors).file.map((f) => f.name);
}

test('descriptors from server reflection v1: the service file and, asked by name, its imports', async () => {
  const echo = await echoServer({ reflection: ['v1'] });
  const { config } = await loadConfig(reflectionConfig(echo.url), { env: {} });
  assert.deepEqual(fileNames(config.upstreams.get('echo') as GrpcUpstreamConfig), ['google/protobuf/timestamp.proto', 'echo/v1/echo.proto']);
});

test('a server with only grpc.reflection.v1alpha is asked that way', async () => {
  const echo = await echoServer({ reflection: ['v1alpha'] });
  const { config } = await loadConfig(reflectionConfig(echo.url), { env: {} });
  assert.ok(fileNames(config.upstreams.get('echo') as GrpcUpstreamConfig).includes('echo/v1/echo.proto'));
});

test('reflection that cannot be reached, or is not served, is a config error at the proto key', async () => {
  const plain = await echoServer();
  for (const url of ['h2c://127.0.0.1:1', plain.url]) {
    await assert.rejects(loadConfig(reflectionConfig(url), { env: {} }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      const p = err.problems.find((x) => x.code === 'SY_ERR_CONFIG_GRPC_DESCRIPTORS');
      assert.ok(p, JSON.stringify(err.problems));
      assert.equal(p.path, 'upstreams.echo.proto');
      return true;
    });
  }
});

test('health checks by grpc.health.v1 take a NOT_SERVING endpoint, then a stopped one, out of rotation', async () => {
  const a = await echoServer({ health: true });
  const b = await echoServer({ health: true });
  const gw = await gateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  echo:
    type: grpc
    endpoints: [${a.url}, ${b.url}]
    healthCheck: { interval: 50ms, timeout: 500ms, unhealthyThreshold: 1, healthyThreshold: 1 }
routes:
  - post: /echo.v1.Echo/{method}
    to: echo
`);
  const upstream = gw.running.gateway.runtime.upstreams.get('echo') as GrpcUpstream;
  const healthOf = (i: number) => upstream.describe().endpoints[i];
  assert.ok(await until(() => a.healthChecks > 0 && b.healthChecks > 0), 'both endpoints are checked');
  b.serving = 2;
  assert.ok(await until(() => healthOf(1)?.healthy === false), 'NOT_SERVING makes b unhealthy');
  assert.equal(healthOf(1)?.lastProbe, 'NOT_SERVING');
  const client = a.client(`127.0.0.1:${gw.port}`);
  cleanup.push(async () => client.close());
  const before = [a.seen.length, b.seen.length];
  for (let i = 0; i < 6; i++) await new Promise((resolve, reject) => client['Say']!({ text: String(i) }, (err: Error | null) => (err ? reject(err) : resolve(undefined))));
  assert.deepEqual([a.seen.length - (before[0] ?? 0), b.seen.length - (before[1] ?? 0)], [6, 0]);
  b.serving = 1;
  assert.ok(await until(() => healthOf(1)?.healthy === true), 'SERVING again brings b back');
  await b.stop();
  assert.ok(await until(() => healthOf(1)?.healthy === false), 'a stopped endpoint fails its checks');
  assert.notEqual(healthOf(1)?.lastProbe, 'NOT_SERVING');
});

test('an endpoint that speaks only HTTP/1 is a 502 SY_ERR_UPSTREAM_PROTOCOL, and the gateway stays up', async () => {
  const h1: Server = createServer((_req, res) => res.end('I am HTTP/1'));
  await new Promise<void>((resolve) => h1.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise((resolve) => h1.close(resolve)));
  const gw = await gateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  old: { type: grpc, endpoints: [h2c://127.0.0.1:${(h1.address() as AddressInfo).port}] }
routes:
  - post: /echo.v1.Echo/{method}
    to: old
`);
  for (let i = 0; i < 2; i++) {
    const res = await httpRequest(gw.port, '/echo.v1.Echo/Say', { method: 'POST', headers: { 'content-type': 'application/grpc-web' }, body: Buffer.alloc(5) });
    assert.equal(res.status, 502);
    assert.equal(res.json()['code'], 'SY_ERR_UPSTREAM_PROTOCOL');
    assert.match(String(res.json()['detail']), /HTTP\/2/);
  }
  // A native client reads the 502 as UNAVAILABLE.
  const client = new grpc.Client(`127.0.0.1:${gw.port}`, grpc.credentials.createInsecure());
  cleanup.push(async () => client.close());
  const code = await new Promise<number>((resolve) =>
    client.makeUnaryRequest('/echo.v1.Echo/Say', (x: Buffer) => x, (x: Buffer) => x, Buffer.alloc(0), (err) => resolve(err?.code ?? 0)),
  );
  assert.equal(code, grpc.status.UNAVAILABLE);
});

test('the invoker: messages in, headers, messages and status out; failures end in a status', async () => {
  const echo = await echoServer();
  const gw = await gateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  echo: { type: grpc, endpoints: [${echo.url}] }
  gone: { type: grpc, endpoints: ['h2c://127.0.0.1:1'] }
routes:
  - post: /echo.v1.Echo/{method}
    to: echo
`);
  const invoker = (gw.running.gateway.runtime.upstreams.get('echo') as GrpcUpstream).invoker;
  const signal = new AbortController().signal;
  const say = invoker.call('/echo.v1.Echo/Count', [Buffer.from([0x0a, 2, 0x68, 0x69, 0x10, 2])], { metadata: [['x-tenant', 'inv']], deadline: 5_000, signal });
  assert.deepEqual(await say.headers, []);
  const messages: Buffer[] = [];
  for await (const m of say.messages) messages.push(Buffer.from(m));
  assert.deepEqual(messages.map((m) => m.subarray(2, 4).toString()), ['hi', 'hi']);
  const status = await say.status;
  assert.equal(status.code, 0);
  assert.deepEqual(echo.seen.at(-1)?.get('x-tenant'), ['inv']);

  const fail = invoker.call('/echo.v1.Echo/Fail', [Buffer.from([0x0a, 1, 0x78])], { metadata: [], deadline: undefined, signal });
  const failed = await fail.status;
  assert.equal(failed.code, 5);
  assert.equal(failed.message, 'no such thing: x');
  assert.deepEqual(failed.trailers.filter(([k]) => k === 'x-why'), [['x-why', 'because']]);

  const gone = (gw.running.gateway.runtime.upstreams.get('gone') as GrpcUpstream).invoker.call('/echo.v1.Echo/Say', [new Uint8Array(0)], { metadata: [], deadline: undefined, signal });
  await assert.rejects(gone.headers, (err: { code?: string }) => err.code === 'SY_ERR_UPSTREAM_CONNECT');
  assert.equal((await gone.status).code, 14);

  const controller = new AbortController();
  const slow = invoker.call('/echo.v1.Echo/Slow', [Buffer.from([0x18, 0xe8, 0x07])], { metadata: [], deadline: undefined, signal: controller.signal });
  await slow.headers.catch(() => undefined);
  assert.ok(await until(() => echo.deadlines.length > 0));
  controller.abort();
  assert.equal((await slow.status).code, 1);
  assert.ok(await until(() => echo.cancelled.includes('Slow')));
});

test('timeouts.total caps every call: a native call and an invoker call without a deadline get DEADLINE_EXCEEDED', async () => {
  const echo = await echoServer();
  const gw = await gateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  echo: { type: grpc, endpoints: [${echo.url}], timeouts: { total: 200ms } }
routes:
  - post: /echo.v1.Echo/{method}
    to: echo
`);
  const client = echo.client(`127.0.0.1:${gw.port}`);
  cleanup.push(async () => client.close());
  const code = await new Promise<number>((resolve) => client['Slow']!({ delay_ms: 5_000 }, (err: grpc.ServiceError | null) => resolve(err?.code ?? 0)));
  assert.equal(code, grpc.status.DEADLINE_EXCEEDED);
  assert.ok(Number.isFinite(Number(echo.deadlines.at(-1))), 'the service got the capped deadline');
  const invoker = (gw.running.gateway.runtime.upstreams.get('echo') as GrpcUpstream).invoker;
  const call = invoker.call('/echo.v1.Echo/Slow', [Buffer.from([0x18, 0x88, 0x27])], { metadata: [], deadline: undefined, signal: new AbortController().signal });
  assert.equal((await call.status).code, 4);
});

test('a stopped endpoint: calls go to the other one (retry on connect failure), and it is ejected', async () => {
  const a = await echoServer();
  const b = await echoServer();
  const bUrl = b.url;
  await b.stop();
  const gw = await gateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  echo:
    type: grpc
    endpoints: [${a.url}, ${bUrl}]
    outlierDetection: { consecutiveGatewayFailure: 2, baseEjectionTime: 30s, maxEjectionPercent: 50 }
routes:
  - post: /echo.v1.Echo/{method}
    to: echo
`);
  const client = a.client(`127.0.0.1:${gw.port}`);
  cleanup.push(async () => client.close());
  for (let i = 0; i < 6; i++) {
    const code = await new Promise<number>((resolve) => client['Say']!({ text: String(i) }, (err: grpc.ServiceError | null) => resolve(err?.code ?? 0)));
    assert.equal(code, grpc.status.OK, `call ${i}`);
  }
  const view = (gw.running.gateway.runtime.upstreams.get('echo') as GrpcUpstream).describe();
  assert.equal(view.endpoints[1]?.ejection, 'ejected');
  assert.ok(view.counters.connectFailures >= 2, 'the connect failures are counted in the connection table');
});

test('circuitBreaker.maxRequests: a call over the limit is refused at once (503, UNAVAILABLE to a gRPC client)', async () => {
  const echo = await echoServer();
  const gw = await gateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  echo: { type: grpc, endpoints: [${echo.url}], circuitBreaker: { maxRequests: 1 } }
routes:
  - post: /echo.v1.Echo/{method}
    to: echo
`);
  const client = echo.client(`127.0.0.1:${gw.port}`);
  cleanup.push(async () => client.close());
  const calls = echo.deadlines.length;
  const slow = client['Slow']!({ delay_ms: 300 }, () => undefined) as grpc.ClientUnaryCall;
  assert.ok(await until(() => echo.deadlines.length > calls));
  const res = await httpRequest(gw.port, '/echo.v1.Echo/Say', { method: 'POST', headers: { 'content-type': 'application/grpc-web' }, body: Buffer.alloc(5) });
  assert.equal(res.status, 503);
  assert.equal(res.json()['code'], 'SY_ERR_UPSTREAM_CIRCUIT_OPEN');
  const code = await new Promise<number>((resolve) => client['Say']!({ text: 'x' }, (err: grpc.ServiceError | null) => resolve(err?.code ?? 0)));
  assert.equal(code, grpc.status.UNAVAILABLE);
  await new Promise((resolve) => slow.on('status', resolve));
});

test('a reload with unchanged protos keeps the upstream (its sessions and health); a changed upstream is rebuilt', async () => {
  const echo = await echoServer();
  const yaml = (extra: string) => `
listen: 127.0.0.1:0
accessLog: off
upstreams:
  echo: { type: grpc, endpoints: [${echo.url}], proto: { files: [echo/v1/echo.proto], importPaths: ['${echo.protoDir}'] }${extra} }
routes:
  - post: /echo.v1.Echo/{method}
    to: echo
`;
  const gw = await gateway(yaml(''));
  const before = gw.running.gateway.runtime.upstreams.get('echo');
  await gw.reload(yaml(''));
  assert.equal(gw.running.gateway.runtime.upstreams.get('echo'), before, 'same descriptors: the upstream is kept');
  await gw.reload(yaml(', transcode: true'));
  assert.notEqual(gw.running.gateway.runtime.upstreams.get('echo'), before, 'a changed upstream is rebuilt');
});
