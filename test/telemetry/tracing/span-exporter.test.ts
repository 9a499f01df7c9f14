/**
 * The span exporter against a real HTTP receiver on loopback: batches of at most 512, what is
 * queued sent at shutdown, a full queue and a refusing or silent collector counted as dropped
 * spans, and the collector's failure and return each logged once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SpanExporter } from '../../../src/telemetry/tracing/span-exporter.js';
import { OTLP_KIND_SERVER, type SpanRecord } from '../../../src/telemetry/tracing/span-record.js';
import { captureLog } from '../../helpers/capture-log.js';
import { until } from '../../helpers/until.js';
import { startOtlpReceiver, type OtlpReceiver } from '../otlp-receiver.js';

const resource = { attributes: ['service.name', 'test'], scopeName: 'switchyard', scopeVersion: '0' };
const span = (i: number): SpanRecord => ({
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: (i + 1).toString(16).padStart(16, '0'),
  parentSpanId: undefined,
  parentIsRemote: false,
  traceState: undefined,
  name: 'GET',
  kind: OTLP_KIND_SERVER,
  startMs: Date.now(),
  endMs: Date.now() + 1,
  attributes: [],
  errorMessage: undefined,
});

function counters() {
  const counted = { exported: 0, dropped: 0 };
  return { counted, exported: (n: number) => void (counted.exported += n), dropped: (n: number) => void (counted.dropped += n) };
}

describe('span exporter', () => {
  let collector: OtlpReceiver;
  before(async () => {
    collector = await startOtlpReceiver();
  });
  after(() => collector.close());

  it('sends full batches at once and the rest at shutdown', async () => {
    const c = counters();
    const exporter = new SpanExporter(collector.url, resource, c, captureLog().logger);
    const before = collector.exports;
    for (let i = 0; i < 1100; i++) exporter.add(span(i));
    assert.ok(await until(() => c.counted.exported === 1024), 'two full batches left without waiting for the timer');
    assert.equal(collector.exports - before, 2);
    await exporter.shutdown();
    assert.equal(c.counted.exported, 1100);
    assert.equal(c.counted.dropped, 0);
    assert.equal(collector.spans.filter((s) => s.service === 'test').length, 1100);
  });

  it('counts what a refusing collector loses, and logs its failure and return once each', async () => {
    const c = counters();
    const log = captureLog();
    const exporter = new SpanExporter(collector.url, resource, c, log.logger);
    collector.status = 503;
    try {
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 512; i++) exporter.add(span(i));
        assert.ok(await until(() => c.counted.dropped === 512 * (round + 1)));
      }
      assert.deepEqual(log.lines.map((l) => l['msg']), ['trace export failed; dropping spans until the collector answers']);
      assert.equal(log.lines[0]?.['err'], 'collector answered 503');
      collector.status = 200;
      for (let i = 0; i < 512; i++) exporter.add(span(i));
      assert.ok(await until(() => c.counted.exported === 512));
      assert.equal(log.lines.at(-1)?.['msg'], 'trace collector reachable again');
    } finally {
      collector.status = 200;
      await exporter.shutdown();
    }
  });
});

describe('span exporter with a collector that never answers', () => {
  let silent: Server;
  const sockets = new Set<Socket>();
  before(async () => {
    silent = createServer(() => undefined);
    silent.on('connection', (s: Socket) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => silent.close(() => resolve())));

  it('holds at most one batch in flight and 4096 queued, and drops the rest without waiting', async () => {
    const c = counters();
    const exporter = new SpanExporter(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/traces`, resource, c, captureLog().logger);
    const started = performance.now();
    for (let i = 0; i < 5000; i++) exporter.add(span(i));
    assert.ok(performance.now() - started < 1000, 'adding never waits on the collector');
    assert.equal(c.counted.dropped, 5000 - 512 - 4096);
    // The collector goes away: the batch in flight fails, and so does every queued one.
    for (const s of sockets) s.destroy();
    silent.close();
    await exporter.shutdown();
    assert.equal(c.counted.dropped, 5000);
    assert.equal(c.counted.exported, 0);
  });
});
