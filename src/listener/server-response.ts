/**
 * The response to one request on the gateway's own HTTP/1.1 listener, with the members the
 * upstreams, filters and telemetry use of node's ServerResponse (`writeHead`, `setHeader`,
 * `statusCode`, `headersSent`, `flushHeaders`, `write`/`end` with `drain`, `cork`, `destroy`,
 * `close` and `finish`), written straight to the client's socket:
 *
 * - the head is serialized once (status line, fields, framing decided by the codec) and leaves in
 *   the same socket write as the first piece of body, or as the chunked terminator when there is
 *   none: a small response is one write;
 * - `end(body)` on a response whose head is not out frames the body with its Content-Length, as
 *   node does, rather than chunked;
 * - the body is framed as the head says: Content-Length (bytes past it are dropped and the
 *   connection closes; fewer than it end the connection, so the client sees a short body rather
 *   than a wrong next response), chunked, close-delimited for an HTTP/1.0 client, or none (HEAD,
 *   204, 304);
 * - `destroy()` before the response is complete cuts the connection, the only honest signal once
 *   a head is out; an error passed to it is the connection's, never emitted here.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { LAST_CHUNK, encodeChunk } from './http1/chunked-encoder.js';
import type { OutgoingFields } from './http1/outgoing-fields.js';
import type { RequestHead } from './http1/request-head.js';
import { serializeResponseHead, type ResponseFraming } from './http1/write-response-head.js';

/** What a response needs of its connection. */
export interface ResponseConnection {
  readonly socket: Socket;
  /** `Keep-Alive: timeout=N` on responses that keep the connection (node writes it too). */
  readonly keepAliveSeconds: number;
  /** The whole response is written; `keepAlive` says whether the connection may carry another. */
  responseFinished(res: ServerResponse, keepAlive: boolean): void;
  /** The response was destroyed before it was complete: the connection must be cut. */
  responseAborted(res: ServerResponse): void;
}

/** Bodies up to this size leave in one buffer with the head; larger ones in a second write. */
const COALESCE_LIMIT = 16 * 1024;

type HeaderValue = number | string | readonly string[];

export class ServerResponse extends Writable {
  statusCode = 200;
  statusMessage: string | undefined = undefined;
  /** Cleared by the gateway while it drains: the response then closes the connection. */
  shouldKeepAlive: boolean;
  readonly #conn: ResponseConnection;
  readonly #request: RequestHead;
  /** Fields set with setHeader, by lowercased name. */
  #fields: Map<string, { name: string; value: HeaderValue }> | undefined;
  /** The serialized head not yet written to the socket. */
  #head: string | undefined;
  #framing: ResponseFraming | undefined;
  #contentLength = 0;
  #written = 0;
  #keepAlive = false;
  /** The length of the body given to `end()` before the head was made. */
  #endLength: number | undefined;
  /** Answered other than through this object (a client error): destroying it leaves the socket. */
  #detached = false;
  #finished = false;

  constructor(conn: ResponseConnection, request: RequestHead, keepAlive = request.keepAlive) {
    super({ decodeStrings: true });
    this.#conn = conn;
    this.#request = request;
    this.shouldKeepAlive = keepAlive;
  }

  get headersSent(): boolean {
    return this.#framing !== undefined;
  }

  setHeader(name: string, value: HeaderValue): this {
    if (this.headersSent) throw headersSentError('set');
    (this.#fields ??= new Map()).set(name.toLowerCase(), { name, value });
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.#fields?.get(name.toLowerCase())?.value;
  }

  hasHeader(name: string): boolean {
    return this.#fields?.has(name.toLowerCase()) ?? false;
  }

  removeHeader(name: string): void {
    if (this.headersSent) throw headersSentError('remove');
    this.#fields?.delete(name.toLowerCase());
  }

  getHeaders(): OutgoingHttpHeaders {
    const out: OutgoingHttpHeaders = {};
    if (this.#fields !== undefined) for (const [lower, { value }] of this.#fields) out[lower] = value as string | string[] | number;
    return out;
  }

  writeHead(statusCode: number, reason?: string | OutgoingFields, headers?: OutgoingFields): this {
    if (this.destroyed) return this;
    if (this.headersSent) throw headersSentError('write');
    this.statusCode = statusCode;
    if (typeof reason === 'string') this.statusMessage = reason;
    else headers = reason;
    this.#makeHead(headers);
    return this;
  }

  /** Sends the head now, without waiting for body. */
  flushHeaders(): void {
    if (this.destroyed) return;
    if (!this.headersSent) this.#makeHead(undefined);
    this.#send(undefined);
  }

  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (!this.headersSent && this.#endLength === undefined) {
      if (typeof chunk === 'string') this.#endLength = Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      else if (chunk instanceof Uint8Array) this.#endLength = chunk.length;
    }
    return super.end(chunk as never, encoding as never, callback as never);
  }

  /**
   * The connection answered the client itself (a framing error or a deadline): this response
   * is over without a byte of its own, and the socket is left to the connection.
   */
  detach(): void {
    this.#detached = true;
    this.destroy();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.headersSent) this.#makeHead(undefined);
    this.#afterSend(this.#send(this.#frame(chunk)), callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this._write(chunks.length === 1 ? (chunks[0] as { chunk: Buffer }).chunk : Buffer.concat(chunks.map((c) => c.chunk)), 'utf8', callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (!this.headersSent) {
      this.#endLength ??= 0;
      this.#makeHead(undefined);
    }
    let keepAlive = this.#keepAlive;
    if (this.#framing === 'chunked') this.#send(LAST_CHUNK);
    else {
      if (this.#framing === 'length' && this.#written < this.#contentLength) keepAlive = false;
      if (this.#head !== undefined) this.#send(undefined);
    }
    if (this.#framing === 'close') keepAlive = false;
    this.#finished = true;
    callback();
    this.#conn.responseFinished(this, keepAlive);
  }

  override _destroy(_err: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.#finished && !this.#detached) this.#conn.responseAborted(this);
    callback(null);
  }

  #makeHead(extra: OutgoingFields | undefined): void {
    const request = this.#request;
    const serialized = serializeResponseHead({
      status: this.statusCode,
      ...(this.statusMessage === undefined ? {} : { reason: this.statusMessage }),
      headers: this.#mergedFields(extra),
      request: { method: request.method, httpVersion: request.httpVersion, keepAlive: this.shouldKeepAlive },
      ...(this.#endLength === undefined ? {} : { bodyLength: this.#endLength }),
    });
    let head = serialized.head;
    if (serialized.keepAlive) head = `${head.slice(0, -2)}Keep-Alive: timeout=${this.#conn.keepAliveSeconds}\r\n\r\n`;
    this.#head = head;
    this.#framing = serialized.framing;
    this.#contentLength = serialized.contentLength ?? 0;
    this.#keepAlive = serialized.keepAlive;
  }

  /** setHeader's fields with writeHead's on top (a name in both: writeHead's value), as node merges. */
  #mergedFields(extra: OutgoingFields | undefined): OutgoingFields {
    if (this.#fields === undefined) return extra ?? {};
    if (Array.isArray(extra)) return this.#mergedPairs(extra);
    const merged: OutgoingHttpHeaders = {};
    const overridden = new Set<string>();
    if (extra !== undefined) for (const name of Object.keys(extra)) overridden.add(name.toLowerCase());
    for (const [lower, { name, value }] of this.#fields) if (!overridden.has(lower)) merged[name] = value as string | string[] | number;
    return extra === undefined ? merged : Object.assign(merged, extra as OutgoingHttpHeaders);
  }

  /** The same merge for writeHead's [name, value, ...] pairs: one array, no object on the way. */
  #mergedPairs(extra: readonly string[]): string[] {
    const merged: string[] = [];
    for (const [lower, { name, value }] of this.#fields as Map<string, { name: string; value: HeaderValue }>) {
      if (namesField(extra, lower)) continue;
      if (Array.isArray(value)) for (const v of value as readonly string[]) merged.push(name, v);
      else merged.push(name, String(value));
    }
    for (let i = 0; i < extra.length; i++) merged.push(extra[i] as string);
    return merged;
  }

  /** The bytes that carry `chunk` under the response's framing; undefined when none go out. */
  #frame(chunk: Buffer): Buffer | undefined {
    if (chunk.length === 0) return undefined;
    switch (this.#framing) {
      case 'chunked':
        this.#written += chunk.length;
        return encodeChunk(chunk);
      case 'length': {
        const room = this.#contentLength - this.#written;
        if (chunk.length > room) {
          // More than the head announced: what is past it would be read as the next response.
          this.#keepAlive = false;
          chunk = chunk.subarray(0, room);
        }
        this.#written += chunk.length;
        return chunk.length === 0 ? undefined : chunk;
      }
      case 'close':
        this.#written += chunk.length;
        return chunk;
      default:
        return undefined;
    }
  }

  /** Writes the pending head (if any) with `data`, in one write when small. Returns socket.write's verdict. */
  #send(data: Buffer | string | undefined): boolean {
    const socket = this.#conn.socket;
    if (socket.destroyed) return true;
    const head = this.#head;
    if (head === undefined) return data === undefined || data.length === 0 ? true : socket.write(data);
    this.#head = undefined;
    if (data === undefined || data.length === 0) return socket.write(head, 'latin1');
    if (typeof data === 'string') return socket.write(head + data, 'latin1');
    if (data.length > COALESCE_LIMIT) {
      socket.write(head, 'latin1');
      return socket.write(data);
    }
    const out = Buffer.allocUnsafe(head.length + data.length);
    out.write(head, 0, 'latin1');
    data.copy(out, head.length);
    return socket.write(out);
  }

  /** Calls back at once when the socket took the bytes, else when it drains (backpressure). */
  #afterSend(accepted: boolean, callback: (error?: Error | null) => void): void {
    const socket = this.#conn.socket;
    if (accepted || socket.destroyed) {
      callback();
      return;
    }
    const done = (): void => {
      socket.off('drain', done).off('close', done);
      callback();
    };
    socket.on('drain', done).on('close', done);
  }
}

/** Whether pairs hold field `lower` (a lowercase name), whatever their names' case. */
function namesField(pairs: readonly string[], lower: string): boolean {
  for (let i = 0; i < pairs.length; i += 2) {
    const name = pairs[i] as string;
    if (name.length === lower.length && (name === lower || name.toLowerCase() === lower)) return true;
  }
  return false;
}

function headersSentError(action: string): Error {
  return Object.assign(new Error(`cannot ${action} headers after they are sent to the client`), { code: 'ERR_HTTP_HEADERS_SENT' });
}
