/**
 * Runs the codec's RequestParser over one byte stream cut at given offsets, and reports what it
 * made of it in the shape node-reference.ts reports node's view: the requests completed, then how
 * the stream ended (cleanly, with a refusal, or with an upgrade and the bytes after it).
 */
import { RequestParser, type RequestHandler } from '../../../src/listener/http1/request-parser.js';
import type { RequestHead } from '../../../src/listener/http1/request-head.js';
import { isHttp1Error } from '../../../src/listener/http1/http1-error.js';

export interface CodecRequest {
  readonly head: RequestHead;
  body: Buffer | undefined;
  rawTrailers: readonly string[] | undefined;
}

export type CodecEnd = { readonly kind: 'clean' } | { readonly kind: 'error'; readonly reason: string } | { readonly kind: 'upgrade'; readonly rest: Buffer };

export interface CodecOutcome {
  readonly requests: CodecRequest[];
  readonly end: CodecEnd;
}

class Collector implements RequestHandler {
  readonly requests: CodecRequest[] = [];
  #parts: Buffer[] = [];

  onRequestHead(head: RequestHead): void {
    this.requests.push({ head, body: undefined, rawTrailers: undefined });
    this.#parts = [];
  }

  onRequestBody(chunk: Buffer): void {
    // A view of the fed slice: copied, as a consumer that keeps it must.
    this.#parts.push(Buffer.from(chunk));
  }

  onRequestEnd(rawTrailers: readonly string[] | undefined): void {
    const last = this.requests[this.requests.length - 1];
    if (last === undefined) throw new Error('end without a head');
    last.body = Buffer.concat(this.#parts);
    last.rawTrailers = rawTrailers ?? [];
  }
}

/** `cuts` are ascending offsets where the stream is split into separate `execute` calls. */
export function runCodec(stream: Buffer, cuts: readonly number[]): CodecOutcome {
  const collector = new Collector();
  const parser = new RequestParser(collector);
  const bounds = [0, ...cuts.filter((c) => c > 0 && c < stream.length), stream.length];
  try {
    for (let i = 0; i + 1 < bounds.length; i++) {
      const from = bounds[i] as number;
      // A copy per slice, so a parser that kept a view of an earlier slice would read garbage.
      const slice = Buffer.from(stream.subarray(from, bounds[i + 1]));
      const used = parser.execute(slice);
      slice.fill(0x23);
      if (used < slice.length || isUpgrade(collector)) {
        const last = collector.requests[collector.requests.length - 1];
        if (last === undefined || !last.head.upgrade) throw new Error(`execute stopped at ${used} of ${slice.length} without an upgrade`);
        return { requests: collector.requests, end: { kind: 'upgrade', rest: stream.subarray(from + used) } };
      }
    }
    parser.finish();
    return { requests: collector.requests, end: { kind: 'clean' } };
  } catch (err) {
    if (isHttp1Error(err)) return { requests: collector.requests, end: { kind: 'error', reason: err.reason } };
    throw err;
  }
}

function isUpgrade(collector: Collector): boolean {
  const last = collector.requests[collector.requests.length - 1];
  return last !== undefined && last.head.upgrade && last.body === undefined;
}
