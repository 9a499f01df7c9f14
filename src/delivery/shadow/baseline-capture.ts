/**
 * A bounded copy of the response the client is getting from the baseline, taken as it is
 * written, so the comparison never holds the client back. The body is copied where every byte
 * of this one response passes on its way to the client: the stream's `_write` and `_writev`.
 * Filters may wrap and restore `write`/`end` around it (the error chain holds a response to
 * rewrite it), so a copy taken there would miss bytes or see them twice; below them it sees
 * exactly what is sent. The wrappers pass every call through unchanged and only keep references
 * to the chunks, until the limit, past which they stop keeping (no comparison for that request).
 * The status is the one sent; the headers are those of the head the upstream wrote.
 */
import type { Exchange } from '../../listener/exchange.js';
import { pickHeaders, type CapturedResponse } from './captured-response.js';

type WriteCallback = (error?: Error | null) => void;
interface StreamInternals {
  _write?: (chunk: Buffer, encoding: BufferEncoding, callback: WriteCallback) => void;
  _writev?: ((chunks: { chunk: Buffer }[], callback: WriteCallback) => void) | null;
}

export class BaselineCapture {
  #headers: Record<string, string> = {};
  #chunks: Buffer[] = [];
  #size = 0;
  #overLimit = false;
  /** The client's whole response, or undefined when it was not delivered whole or went over the limit. */
  readonly done: Promise<CapturedResponse | undefined>;

  /** False for a response that is not a stream written through `_write` (nothing to copy from). */
  static possible(exchange: Exchange): boolean {
    return typeof (exchange.res as unknown as StreamInternals)._write === 'function';
  }

  constructor(exchange: Exchange, headerNames: readonly string[], limit: number) {
    // A head hook only when headers are compared: a hook takes a proxied head off its fast path.
    if (headerNames.length > 0) {
      exchange.onResponseHead((_status, headers) => {
        this.#headers = pickHeaders(headers, headerNames);
      });
    }
    const res = exchange.res;
    const keep = (chunk: Buffer): void => {
      if (this.#overLimit) return;
      this.#size += chunk.length;
      if (this.#size > limit) {
        this.#overLimit = true;
        this.#chunks = [];
      } else if (chunk.length > 0) this.#chunks.push(chunk);
    };
    const stream = res as unknown as StreamInternals;
    const write = stream._write as NonNullable<StreamInternals['_write']>;
    const writev = stream._writev;
    // A _writev may hand its chunks to _write (ours does): counted once, in _writev.
    let inWritev = false;
    stream._write = function (this: unknown, chunk, encoding, callback) {
      if (!inWritev) keep(chunk);
      write.call(this, chunk, encoding, callback);
    };
    if (typeof writev === 'function') {
      stream._writev = function (this: unknown, chunks, callback) {
        for (const c of chunks) keep(c.chunk);
        inWritev = true;
        try {
          writev.call(this, chunks, callback);
        } finally {
          inWritev = false;
        }
      };
    }
    this.done = new Promise((resolve) => {
      const settle = () => {
        res.off('finish', settle).off('close', settle);
        resolve(res.writableFinished && !this.#overLimit && res.headersSent ? { status: res.statusCode, headers: this.#headers, body: this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks) } : undefined);
      };
      if (res.writableFinished || res.closed) settle();
      else res.once('finish', settle).once('close', settle);
    });
  }
}
