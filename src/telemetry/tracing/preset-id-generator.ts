/**
 * Span and trace ids for the SDK, random unless preset: a span of an unsampled request is made
 * only after its request ended in a 5xx, and must carry the ids that request already sent
 * upstream in `traceparent`. The SDK draws ids synchronously inside `startSpan`, so presetting
 * them just before that call is safe on one thread. Random ids are cut from a pool of bytes
 * filled by the CSPRNG 4 KiB at a time: every request needs a trace id and most need a span id,
 * and one hex slice of a buffer costs less than the SDK's per-id generator.
 */
import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

const POOL_BYTES = 4096;

export class PresetIdGenerator implements IdGenerator {
  readonly #pool = Buffer.allocUnsafe(POOL_BYTES);
  #used = POOL_BYTES;
  #traceId: string | undefined;
  #spanId: string | undefined;

  /** Ids for the next span started (the trace id is used only for a root span). */
  preset(traceId: string | undefined, spanId: string): void {
    this.#traceId = traceId;
    this.#spanId = spanId;
  }

  generateTraceId(): string {
    const id = this.#traceId ?? this.randomTraceId();
    this.#traceId = undefined;
    return id;
  }

  generateSpanId(): string {
    const id = this.#spanId ?? this.randomSpanId();
    this.#spanId = undefined;
    return id;
  }

  randomTraceId(): string {
    return this.#random(16);
  }

  randomSpanId(): string {
    return this.#random(8);
  }

  /** Hex of `bytes` random bytes; never all zeros (an invalid id in W3C Trace Context). */
  #random(bytes: number): string {
    if (this.#used + bytes > POOL_BYTES) {
      randomFillSync(this.#pool);
      this.#used = 0;
    }
    const from = this.#used;
    this.#used += bytes;
    // Checked on the bytes, before a string is made: no regex and no second string per id.
    let any = 0;
    for (let i = from; i < from + bytes; i++) any |= this.#pool[i] as number;
    return any === 0 ? this.#random(bytes) : this.#pool.toString('hex', from, from + bytes);
  }
}
