/**
 * The OTLP encoder's bytes (spans encoded into a batch, then wrapped in the request's envelope), decoded with the opentelemetry-proto message definitions
 * (test/fixtures/otlp) by @bufbuild/protobuf: every field a collector reads comes back as the
 * record had it, across lengths that need one, two and three bytes, non-ASCII text and times
 * whose nanoseconds pass 2^53.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExportEnvelope, SpanBatch } from '../../../src/telemetry/tracing/otlp-encoder.js';
import { OTLP_KIND_CLIENT, OTLP_KIND_SERVER, type SpanRecord } from '../../../src/telemetry/tracing/span-record.js';
import { otlpDecoder, type ReceivedSpan } from '../otlp-receiver.js';

const resource = { attributes: ['service.name', 'edge', 'process.pid', 4242], scopeName: 'switchyard', scopeVersion: '9.8.7' };

const envelope = new ExportEnvelope(resource);

function encodeExportRequest(spans: SpanRecord[]): Buffer {
  const batch = new SpanBatch(envelope);
  for (const span of spans) batch.add(span);
  return envelope.wrap(batch);
}

const server: SpanRecord = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  parentSpanId: 'b7ad6b7169203331',
  parentIsRemote: true,
  traceState: 'vendor=abc,other=x1',
  name: 'GET /café/{id}',
  kind: OTLP_KIND_SERVER,
  startMs: 1_764_000_000_123.456,
  endMs: 1_764_000_000_250.001,
  attributes: ['url.path', '/café/ü', 'http.response.status_code', 503, 'switchyard.fastcgi.queue_wait_ms', 1.25, 'user_agent.original', 'x'.repeat(300)],
  errorMessage: '',
};

const client: SpanRecord = {
  traceId: server.traceId,
  spanId: '1111111111111111',
  parentSpanId: server.spanId,
  parentIsRemote: false,
  traceState: undefined,
  name: 'GET svc',
  kind: OTLP_KIND_CLIENT,
  startMs: 1_764_000_000_124,
  endMs: 1_764_000_000_249.5,
  attributes: ['error.type', 'SY_ERR_UPSTREAM_CONNECT'],
  errorMessage: 'connect ECONNREFUSED 127.0.0.1:9',
};

describe('OTLP encoder', () => {
  let decode: (body: Uint8Array) => ReceivedSpan[];
  before(async () => {
    decode = await otlpDecoder();
  });

  it('writes every field of a server and a client span as a collector decodes them', () => {
    const [s, c] = decode(encodeExportRequest([server, client]));
    assert.ok(s && c);
    assert.deepEqual(s.resource, { 'service.name': 'edge', 'process.pid': 4242 });
    assert.deepEqual(s.scope, { name: 'switchyard', version: '9.8.7' });
    assert.equal(s.traceId, server.traceId);
    assert.equal(s.spanId, server.spanId);
    assert.equal(s.parentSpanId, server.parentSpanId);
    assert.equal(s.traceState, 'vendor=abc,other=x1');
    assert.equal(s.name, 'GET /café/{id}');
    assert.equal(s.kind, 2);
    assert.ok(Math.abs(s.startMs - server.startMs) < 0.001, `start ${s.startMs}`);
    assert.ok(Math.abs(s.endMs - server.endMs) < 0.001, `end ${s.endMs}`);
    assert.deepEqual(s.attributes, { 'url.path': '/café/ü', 'http.response.status_code': 503, 'switchyard.fastcgi.queue_wait_ms': 1.25, 'user_agent.original': 'x'.repeat(300) });
    assert.equal(s.statusCode, 2, 'a 5xx server span has status ERROR');
    assert.equal(s.statusMessage, '');
    assert.equal(s.flags, 0x301, 'sampled, with a remote parent');

    assert.equal(c.parentSpanId, server.spanId);
    assert.equal(c.kind, 3);
    assert.equal(c.traceState, '');
    assert.equal(c.statusCode, 2);
    assert.equal(c.statusMessage, 'connect ECONNREFUSED 127.0.0.1:9');
    assert.equal(c.flags, 0x101, 'sampled, with a local parent');
  });

  it('leaves out what a span does not have: parent, status', () => {
    const root = { ...client, parentSpanId: undefined, errorMessage: undefined, attributes: [] };
    const [r] = decode(encodeExportRequest([root]));
    assert.ok(r);
    assert.equal(r.parentSpanId, '');
    assert.equal(r.statusCode, 0);
    assert.deepEqual(r.attributes, {});
  });

  it('reuses a sent batch without leaving its old spans behind', () => {
    const batch = new SpanBatch(envelope);
    for (let i = 0; i < 300; i++) batch.add(server);
    assert.equal(decode(envelope.wrap(batch)).length, 300);
    batch.reset();
    batch.add(client);
    const [only, ...rest] = decode(envelope.wrap(batch));
    assert.equal(rest.length, 0);
    assert.equal(only?.spanId, client.spanId);
    assert.deepEqual(only?.resource, { 'service.name': 'edge', 'process.pid': 4242 });
  });

  it('keeps a batch of 512 spans whole and in order (messages longer than 16 KiB)', () => {
    const batch = Array.from({ length: 512 }, (_, i): SpanRecord => ({ ...server, spanId: i.toString(16).padStart(16, '0'), startMs: server.startMs + i }));
    const body = encodeExportRequest(batch);
    assert.ok(body.length > 128 * 1024);
    const spans = decode(body);
    assert.equal(spans.length, 512);
    spans.forEach((span, i) => {
      assert.equal(span.spanId, i.toString(16).padStart(16, '0'));
      assert.ok(Math.abs(span.startMs - (server.startMs + i)) < 0.001);
    });
  });
});
