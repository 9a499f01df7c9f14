/**
 * A finished span as the gateway keeps it until export: plain fields and a flat attribute list,
 * nothing else. Records are made only for spans that will be exported (a sampled request, or one
 * that ended in a 5xx), at the request's end, and hold copies of what they need, never the
 * request itself: they wait up to a second for their batch, and anything they kept alive would
 * be copied by every young-generation GC of that second.
 */

/** OTLP's numbering (opentelemetry-proto trace/v1 SpanKind), which differs from the API's. */
export const OTLP_KIND_SERVER = 2;
export const OTLP_KIND_CLIENT = 3;

export interface SpanRecord {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  /** The parent's span id, absent for a trace's root. */
  readonly parentSpanId: string | undefined;
  /** True when the parent came from the client's `traceparent` (OTLP span flags bit 9). */
  readonly parentIsRemote: boolean;
  /** W3C `tracestate`, serialized, when the client sent one. */
  readonly traceState: string | undefined;
  readonly name: string;
  readonly kind: typeof OTLP_KIND_SERVER | typeof OTLP_KIND_CLIENT;
  /** Epoch milliseconds with sub-millisecond fraction (nowMs). */
  readonly startMs: number;
  readonly endMs: number;
  /**
   * Key, value, key, value... A number that is a non-negative safe integer is sent as an OTLP
   * int, any other number as a double.
   */
  readonly attributes: (string | number)[];
  /** Set when the span failed: OTLP status ERROR with this message ('' for none). */
  readonly errorMessage: string | undefined;
}
