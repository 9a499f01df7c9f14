/**
 * A bounded copy of the response the client is getting from the baseline, taken as it is
 * written, so the comparison never holds the client back. The head comes through the exchange's
 * head hook (every upstream writes its head through the exchange). The body is copied from this
 * one response's `write`/`end`: the upstreams write straight to the response (and pipe into it),
 * so there is no other point where every byte passes; the wrappers pass every call through
 * unchanged and only keep references to the chunks, until the limit, past which they stop
 * keeping (no comparison for that request).
 */
import type { Exchange } from '../../listener/exchange.js';
import { pickHeaders, type CapturedResponse } from './captured-response.js';

type WriteArgs = [chunk: unknown, ...rest: unknown[]];

export class BaselineCapture {
  #status = 0;
  #headers: Record<string, string> = {};
  #chunks: Buffer[] = [];
  #size = 0;
  #overLimit = false;
  /** The client's whole response, or undefined when it was not delivered whole or went over the limit. */
  readonly done: Promise<CapturedResponse | undefined>;

  constructor(exchange: Exchange, headerNames: readonly string[], limit: number) {
    exchange.onResponseHead((status, headers) => {
      this.#status = status;
      this.#headers = pickHeaders(headers, headerNames);
    });
    const res = exchange.res;
    const keep = (chunk: unknown, encoding: unknown): void => {
      if (this.#overLimit || chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk) : undefined;
      if (buf === undefined) return;
      this.#size += buf.length;
      if (this.#size > limit) {
        this.#overLimit = true;
        this.#chunks = [];
      } else this.#chunks.push(buf);
    };
    const write = res.write;
    const end = res.end;
    res.write = function (this: typeof res, ...args: WriteArgs) {
      keep(args[0], args[1]);
      return (write as (...a: WriteArgs) => boolean).apply(this, args);
    } as typeof res.write;
    res.end = function (this: typeof res, ...args: WriteArgs) {
      keep(args[0], args[1]);
      return (end as (...a: WriteArgs) => typeof res).apply(this, args);
    } as typeof res.end;
    this.done = new Promise((resolve) => {
      const settle = () => {
        res.off('finish', settle).off('close', settle);
        resolve(res.writableFinished && !this.#overLimit && this.#status !== 0 ? { status: this.#status, headers: this.#headers, body: this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks) } : undefined);
      };
      if (res.writableFinished || res.closed) settle();
      else res.once('finish', settle).once('close', settle);
    });
  }
}
