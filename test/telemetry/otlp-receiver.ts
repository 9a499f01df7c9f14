/**
 * A trace collector for tests: an HTTP server taking OTLP/HTTP protobuf exports on /v1/traces,
 * decoded with the OTLP message definitions (test/fixtures/otlp) through the project's proto
 * loader and @bufbuild/protobuf, into flat span records.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { loadProtoInput } from '../../src/proto/load.js';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/otlp');

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  /** 2 server, 3 client. */
  readonly kind: number;
  readonly attributes: Record<string, string | number | boolean>;
  readonly service: string;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  close(): Promise<void>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const image = await loadProtoInput(FIXTURE, { cwd: FIXTURE });
  const schema = image.registry().getMessage('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest') as DescMessage;
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // Dynamic messages: field names in their JSON (lowerCamel) spelling.
      const message = fromBinary(schema, Buffer.concat(chunks)) as unknown as {
        resourceSpans: { resource?: { attributes: KeyValue[] }; scopeSpans: { spans: RawSpan[] }[] }[];
      };
      for (const rs of message.resourceSpans) {
        const service = String(value(rs.resource?.attributes.find((a) => a.key === 'service.name')));
        for (const ss of rs.scopeSpans) {
          for (const s of ss.spans) {
            spans.push({
              traceId: hex(s.traceId),
              spanId: hex(s.spanId),
              parentSpanId: hex(s.parentSpanId),
              name: s.name,
              kind: s.kind,
              attributes: Object.fromEntries(s.attributes.map((a) => [a.key, value(a)])),
              service,
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface KeyValue {
  key: string;
  value?: { value: { case: string | undefined; value?: unknown } };
}
interface RawSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  attributes: KeyValue[];
}

function value(kv: KeyValue | undefined): string | number | boolean {
  const v = kv?.value?.value.value;
  return typeof v === 'bigint' ? Number(v) : (v as string | number | boolean);
}
