/**
 * The response side of a copy's exchange: it looks to an upstream like a client's response
 * (writeHead, setHeader, write/end with backpressure, destroy) but keeps what is written, up to
 * a limit. Past the limit it destroys itself, which the upstream sees as a client gone away, so a
 * target sending a huge body is cut off rather than read to the end.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import type { ExchangeResponse } from '../../listener/exchange.js';
import { pairsToHeaders, pickHeaders, type CapturedResponse } from './captured-response.js';

export class CaptureResponse extends Writable implements ExchangeResponse {
  statusCode = 200;
  shouldKeepAlive = true;
  #headersSent = false;
  #headers: OutgoingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #size = 0;
  #overLimit = false;
  readonly #limit: number;
  readonly #headerNames: readonly string[];

  constructor(headerNames: readonly string[], limit: number) {
    super();
    this.#headerNames = headerNames;
    this.#limit = limit;
  }

  get headersSent(): boolean {
    return this.#headersSent;
  }

  /** True when the body went past the limit (and the response was destroyed for it). */
  get overLimit(): boolean {
    return this.#overLimit;
  }

  writeHead(statusCode: number, headers?: OutgoingHttpHeaders | string[]): this {
    this.statusCode = statusCode;
    this.#headersSent = true;
    if (headers !== undefined) Object.assign(this.#headers, Array.isArray(headers) ? pairsToHeaders(headers) : headers);
    return this;
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.#headers[name.toLowerCase()] = value as string | string[] | number;
    return this;
  }

  flushHeaders(): void {
    this.#headersSent = true;
  }

  /** What was answered, once the response finished whole within the limit. */
  captured(): CapturedResponse | undefined {
    if (!this.writableFinished || this.#overLimit) return undefined;
    return { status: this.statusCode, headers: pickHeaders(this.#headers, this.#headerNames), body: this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks) };
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#headersSent = true;
    this.#size += chunk.length;
    if (this.#size > this.#limit) {
      this.#overLimit = true;
      this.#chunks = [];
      callback();
      this.destroy();
      return;
    }
    this.#chunks.push(chunk);
    callback();
  }
}
