/**
 * Lets a filter see a response whole before it goes out, whichever upstream writes it: the
 * response's `writeHead`, `write`, `end` and `flushHeaders` are wrapped on this one response
 * object. `hold` is asked at the head; when it says so, head and body are kept (up to `limit`
 * bytes) and `release` decides at the end: pass them on as they are, or answer otherwise. A body
 * over the limit is passed on as it came, from then on streamed, so holding never slows a large
 * response more than `limit` bytes' worth. Upstreams keep writing to `exchange.res` as ever;
 * writes while holding report room, so their backpressure waits on nothing.
 *
 * Written here rather than with a Transform: the upstreams write heads through the exchange and
 * bodies straight to the response, and a wrapper on the one object is what sees both.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from '../listener/exchange.js';

export type HeadFields = OutgoingHttpHeaders | string[];

export interface HeldResponse {
  readonly status: number;
  readonly headers: HeadFields;
  /** The whole body. */
  readonly body: Buffer;
}

export interface CaptureHandler {
  /** Whether to hold this response (decided from its head). */
  hold(status: number, headers: HeadFields): boolean;
  /** Bytes of body held at most; past them the response goes on unseen. */
  readonly limit: number;
  /**
   * The held response is complete: return true when it has been answered otherwise (through the
   * exchange, which no longer holds), false to send it as it is.
   */
  release(held: HeldResponse): boolean;
  /** The body outgrew `limit` and goes on unseen; called before the head is written, which it may edit. */
  overflow?(status: number, headers: HeadFields): void;
}

type WriteCallback = (error?: Error | null) => void;

/** The response methods replaced while a capture runs. */
interface Wrappable {
  writeHead(status: number, fields?: HeadFields): unknown;
  write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean;
  end(chunk?: unknown, encoding?: unknown, callback?: unknown): unknown;
  flushHeaders(): void;
  readonly writableNeedDrain: boolean;
}

/** One header's value from either head form (an object, or name/value pairs with lowercased names). */
export function headField(headers: HeadFields, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) if (headers[i] === name) return headers[i + 1];
    return undefined;
  }
  const value = headers[name];
  return value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : String(value);
}

/** Removes a header from either head form, in place. */
export function dropField(headers: HeadFields, name: string): void {
  if (!Array.isArray(headers)) {
    delete headers[name];
    return;
  }
  for (let i = headers.length - 2; i >= 0; i -= 2) if (headers[i] === name) headers.splice(i, 2);
}

/** Wraps `exchange.res` until `stop` is called; answers written after that go out untouched. */
export function captureResponse(exchange: Exchange, handler: CaptureHandler): { stop(): void } {
  const res = exchange.res as unknown as Wrappable;
  const writeHead = res.writeHead;
  const write = res.write;
  const end = res.end;
  const flushHeaders = res.flushHeaders;
  let state: 'head' | 'holding' | 'passing' = 'head';
  let status = 0;
  let headers: HeadFields = [];
  let chunks: Buffer[] = [];
  let size = 0;

  const restore = () => {
    res.writeHead = writeHead;
    res.write = write;
    res.end = end;
    res.flushHeaders = flushHeaders;
  };
  const sendHeld = () => {
    restore();
    state = 'passing';
    res.writeHead(status, headers);
    for (const chunk of chunks) res.write(chunk);
    chunks = [];
  };
  const take = (chunk: unknown, encoding: unknown): void => {
    if (chunk === undefined || chunk === null) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : Buffer.from(chunk as Uint8Array);
    if (buf.length === 0) return;
    chunks.push(buf);
    size += buf.length;
  };

  res.writeHead = (code: number, fields?: HeadFields): unknown => {
    if (state !== 'head' || !handler.hold(code, fields ?? {})) {
      restore();
      state = 'passing';
      return res.writeHead(code, fields);
    }
    state = 'holding';
    status = code;
    headers = fields ?? {};
    return res;
  };
  res.flushHeaders = () => {
    if (state !== 'holding') flushHeaders.call(res);
  };
  res.write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
    if (state !== 'holding') return write.call(res, chunk, encoding, callback);
    take(chunk, encoding);
    if (size > handler.limit) {
      // Told first: it may still edit the head that is about to go out.
      handler.overflow?.(status, headers);
      sendHeld();
      return !res.writableNeedDrain;
    }
    const cb = typeof encoding === 'function' ? encoding : callback;
    if (typeof cb === 'function') queueMicrotask(() => (cb as WriteCallback)());
    return true;
  };
  res.end = (chunk?: unknown, encoding?: unknown, callback?: unknown): unknown => {
    if (state !== 'holding') return end.call(res, chunk, encoding, callback);
    if (typeof chunk !== 'function') take(chunk, typeof encoding === 'function' ? undefined : encoding);
    restore();
    state = 'passing';
    const body = Buffer.concat(chunks, size);
    chunks = [];
    if (size > handler.limit) {
      handler.overflow?.(status, headers);
      res.writeHead(status, headers);
      return res.end(body);
    }
    if (handler.release({ status, headers, body })) return res;
    res.writeHead(status, headers);
    return res.end(body);
  };
  return {
    stop() {
      if (state !== 'head') return;
      restore();
      state = 'passing';
    },
  };
}
