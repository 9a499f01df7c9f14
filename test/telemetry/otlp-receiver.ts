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
  readonly resource: Record<string, string | number | boolean>;
  readonly scope: { readonly name: string; readonly version: string };
  readonly traceState: string;
  /** Epoch milliseconds, from the span's unix nanoseconds. */
  readonly startMs: number;
  readonly endMs: number;
  /** 0 unset, 2 error. */
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly flags: number;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** Exports received, accepted or not. */
  readonly exports: number;
  /** The status the receiver answers with (200 unless a test makes it refuse). */
  status: number;
  close(): Promise<void>;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** A decoder of ExportTraceServiceRequest bodies into flat span records. */
export async function otlpDecoder(): Promise<(body: Uint8Array) => ReceivedSpan[]> {
  const image = await loadProtoInput(FIXTURE, { cwd: FIXTURE });
  const schema = image.registry().getMessage('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest') as DescMessage;
  return (body) => {
    // Dynamic messages: field names in their JSON (lowerCamel) spelling.
    const message = fromBinary(schema, body) as unknown as {
      resourceSpans: { resource?: { attributes: KeyValue[] }; scopeSpans: { scope?: { name: string; version: string }; spans: RawSpan[] }[] }[];
    };
    const spans: ReceivedSpan[] = [];
    for (const rs of message.resourceSpans) {
      const resource = Object.fromEntries((rs.resource?.attributes ?? []).map((a) => [a.key, value(a)]));
      const service = String(resource['service.name']);
      for (const ss of rs.scopeSpans) {
        const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' };
        for (const s of ss.spans) {
          spans.push({
            traceId: hex(s.traceId),
            spanId: hex(s.spanId),
            parentSpanId: hex(s.parentSpanId),
            name: s.name,
            kind: s.kind,
            attributes: Object.fromEntries(s.attributes.map((a) => [a.key, value(a)])),
            service,
            resource,
            scope,
            traceState: s.traceState,
            startMs: Number(s.startTimeUnixNano) / 1e6,
            endMs: Number(s.endTimeUnixNano) / 1e6,
            statusCode: s.status?.code ?? 0,
            statusMessage: s.status?.message ?? '',
            flags: s.flags,
          });
        }
      }
    }
    return spans;
  };
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const decode = await otlpDecoder();
  const spans: ReceivedSpan[] = [];
  let exports = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      exports++;
      if (receiver.status === 200) spans.push(...decode(Buffer.concat(chunks)));
      res.writeHead(receiver.status, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: OtlpReceiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
    spans,
    get exports() {
      return exports;
    },
    status: 200,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return receiver;
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
  traceState: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  status?: { code: number; message: string };
  flags: number;
}

function value(kv: KeyValue | undefined): string | number | boolean {
  const v = kv?.value?.value.value;
  return typeof v === 'bigint' ? Number(v) : (v as string | number | boolean);
}
