/**
 * Encodes spans as an OTLP `ExportTraceServiceRequest` (opentelemetry-proto collector/trace/v1,
 * protobuf wire format), the body of an OTLP/HTTP export: one resource, one instrumentation
 * scope, the batch's spans. A span is encoded the moment it is recorded, into its batch's
 * buffer; the request's envelope is put around the batch when it is sent.
 *
 * Written for the project rather than taken from the OpenTelemetry SDK because it is a measured
 * hot path: in the gateway's profile at sample ratio 0.1 (bench:telemetry's config), the SDK's
 * span objects and its OTLP transformer cost ~1.9 µs per proxied request, about half of what
 * telemetry was allowed. Worse, the span objects lived until their batch was sent, up to a
 * second: every young-generation GC of that second copied them, and many were promoted. Bytes in
 * a buffer outside the JS heap cost the GC nothing. The wire format it needs is a handful of
 * field types.
 */

import type { SpanRecord } from './span-record.js';
import { hexDigit } from './trace-ids.js';

/** Protobuf wire types. */
const VARINT = 0;
const FIXED64 = 1;
const LEN = 2;
const FIXED32 = 5;

/** OTLP span flags: the low byte is the W3C trace flags; bit 8 says bit 9 is meaningful, bit 9 that the parent is remote. */
const FLAGS_SAMPLED = 0x01;
const FLAGS_HAS_IS_REMOTE = 0x100;
const FLAGS_IS_REMOTE = 0x200;
/** opentelemetry-proto trace/v1 Status.StatusCode. */
const STATUS_ERROR = 2;

export interface OtlpResource {
  /** Resource attributes: key, value, key, value... */
  readonly attributes: (string | number)[];
  readonly scopeName: string;
  readonly scopeVersion: string;
}

/** A growing byte buffer with the few protobuf writes OTLP spans need. */
class ProtoWriter {
  #buf: Buffer;
  #pos = 0;

  constructor(size: number) {
    this.#buf = Buffer.allocUnsafe(size);
  }

  #room(bytes: number): void {
    if (this.#pos + bytes <= this.#buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#pos + bytes));
    this.#buf.copy(bigger, 0, 0, this.#pos);
    this.#buf = bigger;
  }

  /** A non-negative integer below 2^53. */
  varint(n: number): void {
    this.#room(8);
    while (n > 0x7f) {
      this.#buf[this.#pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.#buf[this.#pos++] = n;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /**
   * A string field. Span text is nearly all short ASCII (names, attribute keys, paths), copied
   * here a character at a time: a call into the buffer's native UTF-8 writer per string cost
   * more than the copying, at some thirty strings a span.
   */
  string(field: number, s: string): void {
    this.tag(field, LEN);
    const n = s.length;
    if (n < 0x80) {
      this.#room(n + 1);
      const buf = this.#buf;
      const at = this.#pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[at + i] = c;
      }
      if (i === n) {
        buf[this.#pos] = n;
        this.#pos = at + n;
        return;
      }
    }
    const bytes = Buffer.byteLength(s);
    this.varint(bytes);
    this.#room(bytes);
    this.#pos += this.#buf.write(s, this.#pos, 'utf8');
  }

  /** Bytes given as lowercase hex (trace and span ids), decoded here for the same reason. */
  hexBytes(field: number, hex: string): void {
    const n = hex.length >>> 1;
    this.tag(field, LEN);
    this.varint(n);
    this.#room(n);
    const buf = this.#buf;
    for (let i = 0; i < n; i++) buf[this.#pos + i] = (hexDigit(hex.charCodeAt(2 * i)) << 4) | hexDigit(hex.charCodeAt(2 * i + 1));
    this.#pos += n;
  }

  double(field: number, n: number): void {
    this.tag(field, FIXED64);
    this.#room(8);
    this.#pos = this.#buf.writeDoubleLE(n, this.#pos);
  }

  fixed32(field: number, n: number): void {
    this.tag(field, FIXED32);
    this.#room(4);
    this.#pos = this.#buf.writeUInt32LE(n, this.#pos);
  }

  /**
   * Epoch milliseconds as fixed64 nanoseconds, kept to the microsecond. Nanoseconds since 1970
   * pass 2^53, so the 64 bits are assembled from two exact halves rather than from a double.
   */
  unixNanos(field: number, ms: number): void {
    this.tag(field, FIXED64);
    this.#room(8);
    const us = Math.round(ms * 1000);
    const usHigh = Math.floor(us / 0x1_0000_0000);
    const lowNs = (us >>> 0) * 1000;
    const carry = Math.floor(lowNs / 0x1_0000_0000);
    this.#buf.writeUInt32LE(lowNs >>> 0, this.#pos);
    this.#buf.writeUInt32LE(usHigh * 1000 + carry, this.#pos + 4);
    this.#pos += 8;
  }

  /** Starts a length-delimited field; `end` writes its length once the body is known. */
  begin(field: number): number {
    this.tag(field, LEN);
    this.#room(1);
    // One byte is reserved for the length: bodies under 128 bytes need no move.
    return this.#pos++;
  }

  end(at: number): void {
    const length = this.#pos - at - 1;
    const lengthBytes = varintSize(length);
    if (lengthBytes > 1) {
      this.#room(lengthBytes - 1);
      this.#buf.copyWithin(at + lengthBytes, at + 1, this.#pos);
    }
    const body = this.#pos + lengthBytes - 1;
    this.#pos = at;
    this.varint(length);
    this.#pos = body;
  }

  get position(): number {
    return this.#pos;
  }

  /** Moves the write position (to skip room kept for a header, or to start over). */
  seek(position: number): void {
    this.#room(position - this.#pos);
    this.#pos = position;
  }

  /** Appends bytes already encoded. */
  raw(bytes: Buffer): void {
    this.#room(bytes.length);
    this.#pos += bytes.copy(this.#buf, this.#pos);
  }

  /** Copies `bytes` in at `at`, which must lie before the position (into room kept for them). */
  put(bytes: Buffer, at: number): void {
    bytes.copy(this.#buf, at);
  }

  bytes(from = 0): Buffer {
    return this.#buf.subarray(from, this.#pos);
  }
}

/** common/v1 KeyValue with its AnyValue. */
function keyValue(w: ProtoWriter, field: number, key: string, value: string | number): void {
  const kv = w.begin(field);
  w.string(1, key);
  const any = w.begin(2);
  if (typeof value === 'string') w.string(1, value);
  else if (Number.isSafeInteger(value) && value >= 0) {
    w.tag(3, VARINT);
    w.varint(value);
  } else w.double(4, value);
  w.end(any);
  w.end(kv);
}

function attributes(w: ProtoWriter, field: number, list: (string | number)[]): void {
  for (let i = 0; i < list.length; i += 2) keyValue(w, field, list[i] as string, list[i + 1] as string | number);
}

function span(w: ProtoWriter, s: SpanRecord): void {
  const at = w.begin(2);
  w.hexBytes(1, s.traceId);
  w.hexBytes(2, s.spanId);
  if (s.traceState !== undefined && s.traceState !== '') w.string(3, s.traceState);
  if (s.parentSpanId !== undefined) w.hexBytes(4, s.parentSpanId);
  w.string(5, s.name);
  w.tag(6, VARINT);
  w.varint(s.kind);
  w.unixNanos(7, s.startMs);
  w.unixNanos(8, s.endMs);
  attributes(w, 9, s.attributes);
  if (s.errorMessage !== undefined) {
    const status = w.begin(15);
    if (s.errorMessage !== '') w.string(2, s.errorMessage);
    w.tag(3, VARINT);
    w.varint(STATUS_ERROR);
    w.end(status);
  }
  w.fixed32(16, FLAGS_SAMPLED | FLAGS_HAS_IS_REMOTE | (s.parentIsRemote ? FLAGS_IS_REMOTE : 0));
  w.end(at);
}

/**
 * Spans encoded as `ScopeSpans.spans` fields, waiting to be sent together, after room kept for
 * the envelope so the request body is made without copying the spans. Reusable once sent.
 */
export class SpanBatch {
  readonly #writer = new ProtoWriter(64 * 1024);
  readonly #headRoom: number;
  #count = 0;

  constructor(envelope: ExportEnvelope) {
    this.#headRoom = envelope.headRoom;
    this.#writer.seek(this.#headRoom);
  }

  get count(): number {
    return this.#count;
  }

  add(record: SpanRecord): void {
    span(this.#writer, record);
    this.#count++;
  }

  /** Empties the batch, keeping its buffer. */
  reset(): void {
    this.#writer.seek(this.#headRoom);
    this.#count = 0;
  }

  /** The whole export body: `head` written just before the spans. */
  body(head: Buffer): Buffer {
    const from = this.#headRoom - head.length;
    this.#writer.put(head, from);
    return this.#writer.bytes(from);
  }

  get spansLength(): number {
    return this.#writer.position - this.#headRoom;
  }
}

/** The resource and scope every export carries, encoded once. */
export class ExportEnvelope {
  readonly #resource: Buffer;
  readonly #scope: Buffer;
  /** Bytes a batch keeps free before its spans: the envelope with the longest lengths. */
  readonly headRoom: number;

  constructor(resource: OtlpResource) {
    const r = new ProtoWriter(256);
    const at = r.begin(1);
    attributes(r, 1, resource.attributes);
    r.end(at);
    this.#resource = Buffer.from(r.bytes());
    const s = new ProtoWriter(64);
    const scope = s.begin(1);
    s.string(1, resource.scopeName);
    s.string(2, resource.scopeVersion);
    s.end(scope);
    this.#scope = Buffer.from(s.bytes());
    // Two tags of one byte, two lengths of at most 5 bytes (a varint below 2^35).
    this.headRoom = 2 * (1 + 5) + this.#resource.length + this.#scope.length;
  }

  /** The request body: ExportTraceServiceRequest { ResourceSpans { resource, ScopeSpans { scope, spans } } }. */
  wrap(batch: SpanBatch): Buffer {
    const scopeSpans = this.#scope.length + batch.spansLength;
    const resourceSpans = this.#resource.length + 1 + varintSize(scopeSpans) + scopeSpans;
    const head = new ProtoWriter(this.headRoom);
    head.tag(1, LEN);
    head.varint(resourceSpans);
    head.raw(this.#resource);
    head.tag(2, LEN);
    head.varint(scopeSpans);
    head.raw(this.#scope);
    return batch.body(head.bytes());
  }
}

function varintSize(n: number): number {
  let size = 1;
  for (; n > 0x7f; n = Math.floor(n / 0x80)) size++;
  return size;
}
