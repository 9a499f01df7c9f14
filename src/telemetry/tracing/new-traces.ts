/**
 * New traces' ids, each with its first upstream attempt's `traceparent` ready made: one string
 * holds 170 of them, `00-<trace id>-<span id>-0<flag>`, the flag decided for the configured
 * ratio by the trace id's last 8 hex digits (the rule Tracing applies, TraceIdRatioBased's). The
 * trace id, the span id and the field a request uses are views of that string (V8 slices, no
 * copy): joining them per request made ~130 bytes of string pieces (heap sampling of
 * bench:telemetry:micro's loop), a fifth of what telemetry allocated per request. Random bytes
 * from Math.random, as trace-ids.ts and for the same reasons.
 */
const RECORD = 55;
const PER_FILL = 170;
const TRACE_AT = 3;
const SPAN_AT = 36;
const FLAG_AT = 54;
const HEX = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));

export class NewTraces {
  readonly #ratio: number;
  readonly #bytes = Buffer.alloc(RECORD * PER_FILL);
  #text = '';
  #next = PER_FILL;

  constructor(ratio: number) {
    this.#ratio = ratio;
    for (let at = 0; at < this.#bytes.length; at += RECORD) {
      this.#bytes.write('00-', at, 'latin1');
      this.#bytes.write('-', at + SPAN_AT - 1, 'latin1');
      this.#bytes.write('-0', at + FLAG_AT - 2, 'latin1');
    }
  }

  /** The next new trace's `traceparent` for its first attempt (trace id at 3-35, span id at 36-52). */
  next(): string {
    if (this.#next === PER_FILL) this.#fill();
    const at = this.#next++ * RECORD;
    return this.#text.slice(at, at + RECORD);
  }

  #fill(): void {
    const bytes = this.#bytes;
    for (let at = 0; at < bytes.length; at += RECORD) {
      let any = 0;
      let tail = 0;
      for (let i = 0; i < 4; i++) any |= tail = this.#word(at + TRACE_AT + i * 8);
      // An id of zeros is invalid (W3C Trace Context §3.2.2.3): the last digit becomes 1.
      if (any === 0) bytes[at + TRACE_AT + 31] = HEX[(tail = 1)] as number;
      if ((this.#word(at + SPAN_AT) | this.#word(at + SPAN_AT + 8)) === 0) bytes[at + SPAN_AT + 15] = HEX[1] as number;
      bytes[at + FLAG_AT] = tail / 0x1_0000_0000 < this.#ratio ? 0x31 : 0x30;
    }
    this.#text = bytes.toString('latin1');
    this.#next = 0;
  }

  /** Writes a random 32-bit word as 8 hex digits at `at`; returns it. */
  #word(at: number): number {
    const word = (Math.random() * 0x1_0000_0000) >>> 0;
    let w = word;
    for (let i = 7; i >= 0; i--) {
      this.#bytes[at + i] = HEX[w & 15] as number;
      w >>>= 4;
    }
    return word;
  }
}

/** Where the trace id and the span id sit in a `traceparent` (version 00). */
export const TRACE_ID = [TRACE_AT, TRACE_AT + 32] as const;
export const SPAN_ID = [SPAN_AT, SPAN_AT + 16] as const;
