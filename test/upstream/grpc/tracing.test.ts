// A gRPC call through the gateway is a traced upstream attempt: the client's traceparent is
// continued, the service gets the gateway's client span as its parent in its metadata, and the
// spans reach a real OTLP receiver.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { startTestGateway, type TestGateway } from '../../helpers/start-gateway.js';
import { until } from '../../helpers/until.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../telemetry/otlp-receiver.js';
import { startEchoServer, type EchoServer } from './echo-service.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
let echo: EchoServer;
let collector: OtlpReceiver;
let gw: TestGateway;

before(async () => {
  echo = await startEchoServer();
  collector = await startOtlpReceiver();
  gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
telemetry:
  tracing: { otlp: ${collector.url}, sampleRatio: 1 }
upstreams:
  echo: { type: grpc, endpoints: [${echo.url}] }
routes:
  - post: /echo.v1.Echo/{method}
    to: echo
`);
});

after(async () => {
  await gw?.stop();
  await collector?.close();
  await echo?.stop();
});

test("the service sees the gateway's client span as parent, and the spans are exported", async () => {
  const client = echo.client(`127.0.0.1:${gw.port}`);
  const md = new grpc.Metadata();
  md.set('traceparent', `00-${TRACE_ID}-00f067aa0ba902b7-01`);
  await new Promise((resolve, reject) => client['Say']!({ text: 't' }, md, (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r))));
  client.close();
  const seen = String(echo.seen.at(-1)?.get('traceparent')[0] ?? '');
  const [, traceId, parent] = seen.split('-');
  assert.equal(traceId, TRACE_ID, 'the trace is continued to the service');
  assert.notEqual(parent, '00f067aa0ba902b7', "the service's parent is the gateway's span, not the client's");
  gw.running.gateway.flushAccessLog();
  assert.ok(await until(() => collector.spans.some((s) => s.spanId === parent), 15_000), 'the gateway exported the span it sent as parent');
});
