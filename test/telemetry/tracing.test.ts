/**
 * Traces across every hop, checked at a real OTLP receiver: the client's traceparent is
 * continued, PHP (php-fpm, FastCGI `HTTP_TRACEPARENT`) and an HTTP service each see the
 * gateway's client span as their parent, 5xx responses are kept when the ratio samples nothing,
 * and an unreachable collector costs requests nothing but a log line and a counter.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPhpFpm, type PhpFpm } from '../../src/php-fpm/php-fpm-process.js';
import { startTestGateway, type TestGateway } from '../helpers/start-gateway.js';
import { httpRequest } from '../helpers/http-request.js';
import { freePort } from '../helpers/free-port.js';
import { until } from '../helpers/until.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

describe('tracing', () => {
  let root: string;
  let fpm: PhpFpm;
  let service: Server;
  let collector: OtlpReceiver;
  let gw: TestGateway;
  let port: number;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sy-trace-'));
    await writeFile(join(root, 'tp.php'), `<?php header('Content-Type: text/plain'); echo $_SERVER['HTTP_TRACEPARENT'] ?? 'none';`);
    fpm = await startPhpFpm({ root, children: 2 });
    service = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(String(req.headers.traceparent ?? 'none')));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    collector = await startOtlpReceiver();
    const closedPort = await freePort();
    gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
upstreams:
  php: { type: fastcgi, address: unix:${fpm.socketPath}, root: ${root}, scripts: [tp.php] }
  svc: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}] }
  down: { type: http, endpoints: [http://127.0.0.1:${closedPort}] }
routes:
  - get: /tp.php
    to: php
  - get: /svc
    to: svc
  - get: /down
    to: down
telemetry:
  tracing: { otlp: ${collector.url}, sampleRatio: 0, serviceName: edge }
`);
    port = Number(new URL(gw.url).port);
  });

  after(async () => {
    await gw.stop();
    await collector.close();
    await new Promise<void>((resolve) => service.close(() => resolve()));
    await fpm.stop();
    await rm(root, { recursive: true, force: true });
  });

  const spansOf = async (traceId: string, count: number): Promise<ReceivedSpan[]> => {
    assert.ok(await until(() => collector.spans.filter((s) => s.traceId === traceId).length >= count, 15_000), `spans of trace ${traceId} did not arrive`);
    return collector.spans.filter((s) => s.traceId === traceId);
  };

  for (const [hop, path] of [
    ['PHP over FastCGI', '/tp.php'],
    ['an HTTP service', '/svc'],
  ] as const) {
    it(`links the client's trace, the gateway's spans and ${hop}`, async () => {
      const sent = Date.now();
      const res = await httpRequest(port, path, { headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01`, tracestate: 'vendor=abc' } });
      assert.equal(res.status, 200);
      const [version, traceId, parentOfUpstream, flags] = res.text.split('-');
      assert.equal(version, '00');
      assert.equal(traceId, TRACE_ID);
      assert.equal(flags, '01');
      const spans = await spansOf(TRACE_ID, 1);
      const client = await until(() => collector.spans.some((s) => s.spanId === parentOfUpstream), 15_000).then(() => collector.spans.find((s) => s.spanId === parentOfUpstream));
      assert.ok(client, 'the span the upstream saw as its parent was exported');
      assert.equal(client.kind, 3);
      assert.ok(spans.length > 0);
      await until(() => collector.spans.some((s) => s.spanId === client.parentSpanId), 15_000);
      const server = collector.spans.find((s) => s.spanId === client.parentSpanId);
      assert.ok(server, 'the client span has the server span as its parent');
      assert.equal(server.kind, 2);
      assert.equal(server.parentSpanId, CLIENT_SPAN);
      assert.equal(server.service, 'edge');
      assert.equal(server.attributes['http.request.method'], 'GET');
      assert.equal(server.attributes['http.route'], path);
      assert.equal(server.attributes['url.path'], path);
      assert.equal(server.attributes['http.response.status_code'], 200);
      assert.equal(client.attributes['switchyard.upstream'], path === '/svc' ? 'svc' : 'php');
      assert.equal(server.traceState, 'vendor=abc', "the client's tracestate stays with its trace");
      assert.equal(server.flags & 0x300, 0x300, 'the server span says its parent is remote');
      assert.equal(server.scope.name, 'switchyard');
      assert.equal(server.statusCode, 0);
      assert.ok(server.startMs >= sent - 5 && server.endMs <= Date.now() + 5, 'the server span lies within the request');
      assert.ok(client.startMs >= server.startMs && client.endMs <= server.endMs, 'the attempt lies within its request');
    });
  }

  it('keeps the spans of a 5xx even when the ratio samples nothing, and not those of a 200', async () => {
    const ok = await httpRequest(port, '/svc');
    const unsampledTrace = ok.text.split('-')[1] as string;
    assert.equal(ok.text.split('-')[3], '00', 'a new trace at ratio 0 is not sampled');
    const failed = await httpRequest(port, '/down');
    assert.equal(failed.status, 502);
    assert.ok(await until(() => collector.spans.some((s) => s.kind === 2 && s.attributes['url.path'] === '/down'), 15_000), 'the 502 server span was exported');
    const server = collector.spans.find((s) => s.kind === 2 && s.attributes['url.path'] === '/down') as ReceivedSpan;
    assert.equal(server.attributes['http.response.status_code'], 502);
    assert.equal(server.attributes['error.type'], '502');
    assert.equal(server.statusCode, 2, 'a 5xx server span has status ERROR');
    assert.ok(collector.spans.some((s) => s.kind === 3 && s.parentSpanId === server.spanId && s.attributes['error.type'] === 'SY_ERR_UPSTREAM_CONNECT'), 'its failed attempt came with it');
    assert.ok(!collector.spans.some((s) => s.traceId === unsampledTrace), 'the unsampled 200 was not exported');
  });
});

describe('tracing with the collector down', () => {
  it('serves every request, logs the failure once and counts dropped spans', async () => {
    const service = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
    const gw = await startTestGateway(`
listen: 127.0.0.1:0
accessLog: off
admin: { listen: 127.0.0.1:0 }
upstreams:
  svc: { type: http, endpoints: [http://127.0.0.1:${(service.address() as AddressInfo).port}] }
routes:
  - get: /svc
    to: svc
telemetry:
  tracing: { otlp: http://127.0.0.1:${await freePort()}/v1/traces, sampleRatio: 1 }
`);
    try {
      const port = Number(new URL(gw.url).port);
      for (let i = 0; i < 20; i++) assert.equal((await httpRequest(port, '/svc')).status, 200);
      const failed = () => gw.logs().filter((l) => l['msg'] === 'trace export failed; dropping spans until the collector answers');
      assert.ok(await until(() => failed().length > 0, 20_000), 'the export failure was logged');
      const admin = (gw.running.admin?.address() as AddressInfo).port;
      const metrics = (await httpRequest(admin, '/metrics')).text;
      assert.match(metrics, /^switchyard_trace_spans_dropped_total [1-9]\d*$/m);
      assert.equal(failed().length, 1);
      assert.equal((await httpRequest(port, '/svc')).status, 200);
    } finally {
      await gw.stop();
      await new Promise<void>((resolve) => service.close(() => resolve()));
    }
  });
});
