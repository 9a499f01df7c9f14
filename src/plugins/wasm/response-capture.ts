/**
 * The response a wasm filter with response callbacks stands in front of: whatever upstream
 * answers writes into this object (it takes the exchange's `res` while the filter runs), which
 * holds the head until the filter has seen it, passes each piece of body through the filter and
 * writes what the filter releases to the client's response. A head whose body the filter held
 * whole leaves with that body's exact Content-Length; one whose body streams goes out chunked.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import type { ExchangeResponse } from '../../listener/exchange.js';

export interface ResponseHooks {
  /** The filter's view of the head: the head to send, or 'answered' when the filter answered itself. */
  head(status: number, pairs: string[], eos: boolean): Promise<{ status: number; pairs: string[] } | 'answered'>;
  /** Undefined when the module has no body callback: the body passes as it is. */
  readonly body: ((chunk: Buffer, eos: boolean) => Promise<Buffer | 'answered'>) | undefined;
  /** A callback failed: answer the client with `err` if the head is not out, else cut it. */
  fail(err: unknown, headOut: boolean): void;
}

const EMPTY = Buffer.alloc(0);

export class CapturedResponse extends Writable implements ExchangeResponse {
  readonly real: ExchangeResponse;
  readonly #hooks: ResponseHooks;
  #status = 200;
  #pairs: string[] | undefined;
  #extra: string[] = [];
  #head: Promise<void> | undefined;
  #decided: { status: number; pairs: string[] } | undefined;
  #headOut = false;
  #bodySeen = false;
  /** The filter answered (or failed): what upstream still writes is dropped. */
  #answered = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(real: ExchangeResponse, hooks: ResponseHooks) {
    super();
    this.real = real;
    this.#hooks = hooks;
    real.once('close', () => this.destroy());
  }

  get statusCode(): number {
    return this.#headOut || this.#answered ? this.real.statusCode : this.#status;
  }

  set statusCode(status: number) {
    this.#status = status;
  }

  get headersSent(): boolean {
    return this.#pairs !== undefined;
  }

  get shouldKeepAlive(): boolean {
    return this.real.shouldKeepAlive;
  }

  set shouldKeepAlive(keep: boolean) {
    this.real.shouldKeepAlive = keep;
  }

  writeHead(statusCode: number, headers?: OutgoingHttpHeaders | string[]): this {
    this.#status = statusCode;
    const given: string[] = [];
    if (Array.isArray(headers)) for (let i = 0; i < headers.length; i += 2) given.push((headers[i] as string).toLowerCase(), headers[i + 1] as string);
    else if (headers !== undefined) {
      for (const [name, value] of Object.entries(headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) given.push(name.toLowerCase(), String(v));
      }
    }
    // setHeader's fields first, unless writeHead names them too (its value wins, as in node).
    const pairs: string[] = [];
    for (let i = 0; i < this.#extra.length; i += 2) if (!given.some((v, j) => j % 2 === 0 && v === this.#extra[i])) pairs.push(this.#extra[i] as string, this.#extra[i + 1] as string);
    this.#pairs = pairs.concat(given);
    return this;
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    const lower = name.toLowerCase();
    for (let i = this.#extra.length - 2; i >= 0; i -= 2) if (this.#extra[i] === lower) this.#extra.splice(i, 2);
    for (const v of Array.isArray(value) ? value : [value]) this.#extra.push(lower, String(v));
    return this;
  }

  flushHeaders(): void {
    void this.#ensureHead(false);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#chain = this.#chain.then(() => this.#piece(chunk, false)).then(
      () => callback(),
      (err: unknown) => this.#failed(err, callback),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#chain = this.#chain.then(() => this.#piece(EMPTY, true)).then(
      () => callback(),
      (err: unknown) => this.#failed(err, callback),
    );
  }

  override _destroy(_err: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.real.writableFinished && !this.real.destroyed) this.real.destroy();
    callback(null);
  }

  #failed(err: unknown, callback: () => void): void {
    if (!this.#answered) {
      this.#answered = true;
      this.#hooks.fail(err, this.#headOut);
    }
    callback();
  }

  #ensureHead(eos: boolean): Promise<void> {
    this.#head ??= (async () => {
      if (this.#pairs === undefined) this.writeHead(this.#status);
      const decided = await this.#hooks.head(this.#status, this.#pairs as string[], eos);
      if (decided === 'answered') this.#answered = true;
      else this.#decided = decided;
    })();
    return this.#head;
  }

  async #piece(chunk: Buffer, eos: boolean): Promise<void> {
    if (chunk.length > 0) this.#bodySeen = true;
    await this.#ensureHead(eos && !this.#bodySeen);
    if (this.#answered) return;
    const body = this.#hooks.body;
    let out = chunk;
    if (body !== undefined && (chunk.length > 0 || (eos && this.#bodySeen))) {
      const released = await body(chunk, eos);
      if (released === 'answered') {
        this.#answered = true;
        return;
      }
      out = released;
    }
    if (!this.#headOut) {
      // Held whole: the exact length. Streamed through a body callback: chunked.
      if (body === undefined || !this.#bodySeen) this.#sendHead(undefined);
      else if (eos) this.#sendHead(out.length);
      else if (out.length > 0) this.#sendHead('drop');
    }
    if (out.length > 0 && this.#headOut && !this.real.write(out)) await drained(this.real);
    if (eos) {
      if (!this.#headOut) this.#sendHead(undefined);
      this.real.end();
    }
  }

  #sendHead(length: number | 'drop' | undefined): void {
    const { status, pairs } = this.#decided as { status: number; pairs: string[] };
    const headers: OutgoingHttpHeaders = {};
    for (let i = 0; i < pairs.length; i += 2) {
      const name = pairs[i] as string;
      if (name.startsWith(':')) continue;
      const value = pairs[i + 1] as string;
      const had = headers[name];
      headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [String(had), value];
    }
    if (length === 'drop') delete headers['content-length'];
    else if (length !== undefined) {
      headers['content-length'] = length;
      delete headers['transfer-encoding'];
    }
    this.#headOut = true;
    this.real.writeHead(status, headers);
  }
}

function drained(res: ExchangeResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done).off('close', done);
      resolve();
    };
    res.on('drain', done).on('close', done);
  });
}
