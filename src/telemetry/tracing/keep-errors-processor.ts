/**
 * Head sampling decides at a trace's first span, before anyone knows the request will fail; the
 * issue asks that every request ending in a 5xx be kept anyway. So unsampled requests are still
 * recorded (the sampler answers RECORD, not DROP), and this processor holds the spans of each
 * unsampled request until its server span ends: a 5xx sends them all on to the batch processor
 * as if sampled, anything else drops them. Sampled spans pass straight through. What the
 * upstream saw in `traceparent` stays unsampled, so only the gateway's spans of such a trace are
 * kept (the tail-sampling trade-off the OpenTelemetry collector documents).
 */
import { TraceFlags, SpanKind, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Unsampled requests whose server span has not ended yet, at most. */
const MAX_PENDING = 10_000;

export class KeepErrorsProcessor implements SpanProcessor {
  readonly #next: SpanProcessor;
  readonly #pending = new Map<string, ReadableSpan[]>();

  constructor(next: SpanProcessor) {
    this.#next = next;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    const ctx = span.spanContext();
    if ((ctx.traceFlags & TraceFlags.SAMPLED) !== 0) {
      this.#next.onEnd(span);
      return;
    }
    if (span.kind !== SpanKind.SERVER) {
      // A client span of an unsampled request: held under its parent, the server span.
      const parent = span.parentSpanContext?.spanId;
      if (parent === undefined) return;
      const held = this.#pending.get(parent);
      if (held !== undefined) held.push(span);
      else {
        if (this.#pending.size >= MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value as string);
        this.#pending.set(parent, [span]);
      }
      return;
    }
    const children = this.#pending.get(ctx.spanId) ?? [];
    this.#pending.delete(ctx.spanId);
    const status = span.attributes['http.response.status_code'];
    if (typeof status === 'number' && status >= 500) for (const s of [...children, span]) this.#next.onEnd(asSampled(s));
  }

  forceFlush(): Promise<void> {
    return this.#next.forceFlush();
  }

  shutdown(): Promise<void> {
    this.#pending.clear();
    return this.#next.shutdown();
  }
}

/** The same span, reporting the sampled flag (the batch processor exports only those). */
function asSampled(span: ReadableSpan): ReadableSpan {
  const ctx = { ...span.spanContext(), traceFlags: span.spanContext().traceFlags | TraceFlags.SAMPLED };
  return Object.create(span, { spanContext: { value: () => ctx } }) as ReadableSpan;
}
