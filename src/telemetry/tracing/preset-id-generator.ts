/**
 * Span and trace ids for the SDK, random unless preset: a span of an unsampled request is made
 * only after its request ended in a 5xx, and must carry the ids that request already sent
 * upstream in `traceparent`. The SDK draws ids synchronously inside `startSpan`, so presetting
 * them just before that call is safe on one thread.
 */
import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

export class PresetIdGenerator implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  #traceId: string | undefined;
  #spanId: string | undefined;

  /** Ids for the next span started (the trace id is used only for a root span). */
  preset(traceId: string | undefined, spanId: string): void {
    this.#traceId = traceId;
    this.#spanId = spanId;
  }

  generateTraceId(): string {
    const id = this.#traceId ?? this.#random.generateTraceId();
    this.#traceId = undefined;
    return id;
  }

  generateSpanId(): string {
    const id = this.#spanId ?? this.#random.generateSpanId();
    this.#spanId = undefined;
    return id;
  }

  randomTraceId(): string {
    return this.#random.generateTraceId();
  }

  randomSpanId(): string {
    return this.#random.generateSpanId();
  }
}
