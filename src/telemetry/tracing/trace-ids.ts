/**
 * Span ids as lowercase hex, cut from a pool of random bytes refilled 4 KiB at a time: a server
 * span's id, and the ids of attempts that new-traces.ts did not make with their trace (a client's
 * trace continued, a retry). The pool is turned
 * into hex once per refill and each id is a slice of that string (V8 makes a slice of 13
 * characters or more a view, no copy): a hex encoding per id was a native call per id, 4% of
 * telemetry's own time in bench:telemetry:micro. An id kept for long (an exemplar, a span in a
 * batch) keeps its pool's 8 KB string alive. The bytes come from V8's Math.random, as
 * in the OpenTelemetry SDK's id generator: ids must be unique and unpredictable enough for
 * sampling (W3C Trace Context level 2 asks for random low bytes), not secret, and refilling
 * from the CSPRNG showed up in the gateway's profile at ~0.2 µs per request.
 */

const POOL_BYTES = 4096;

export class TraceIds {
  readonly #words = new Uint32Array(POOL_BYTES / 4);
  readonly #pool = Buffer.from(this.#words.buffer);
  #hex = '';
  #used = POOL_BYTES;

  spanId(): string {
    return this.#random(8);
  }

  /** Hex of `bytes` random bytes; never all zeros (an invalid id in W3C Trace Context). */
  #random(bytes: number): string {
    if (this.#used + bytes > POOL_BYTES) {
      for (let i = 0; i < this.#words.length; i++) this.#words[i] = Math.random() * 0x1_0000_0000;
      this.#hex = this.#pool.toString('hex');
      this.#used = 0;
    }
    const from = this.#used;
    this.#used += bytes;
    // Checked on the bytes, before a string is made: no regex and no second string per id.
    let any = 0;
    for (let i = from; i < from + bytes; i++) any |= this.#pool[i] as number;
    return any === 0 ? this.#random(bytes) : this.#hex.slice(from * 2, (from + bytes) * 2);
  }
}

/** The value of one hex digit's character code, either case (ids are checked as hex where they enter). */
export function hexDigit(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}
