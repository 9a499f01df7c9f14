/**
 * The state machine both HTTP/1.1 parsers share (RFC 9112): lines of the head, the body as the
 * framing says (Content-Length, chunked, or until the connection closes), trailers, and the next
 * message on a kept-alive connection. The request and response parsers add the start line and
 * the framing decision.
 *
 * Written for the hot path: the caller hands over whatever a socket read gave (any split point,
 * several pipelined messages in one Buffer); lines are found with `indexOf`, bytes are checked
 * against tables, strings are latin1 slices, body bytes are handed over as views of the input
 * (no copy) as soon as they arrive. The only bytes kept between calls are an unfinished line,
 * bounded by the limits. Each line is checked as soon as its LF arrives, so a malformed request
 * is refused at once rather than when the head is complete or the limit reached.
 *
 * Line endings are CRLF only (RFC 9112 §2.2). llhttp, strict by default in node, refuses a bare LF
 * and a CR not followed by LF inside the head and the chunked framing; it skips stray CR and LF
 * bytes before a request line, where this skips only whole CRLFs.
 */
import { CR, LF } from './chars.js';
import { FieldFacts } from './field-facts.js';
import { pushFieldLine } from './field-line.js';
import { parseChunkLine } from './chunk-line.js';
import { Http1Error, type Http1Side } from './http1-error.js';
import { DEFAULT_LIMITS, type Http1Limits } from './limits.js';
import { SwitchyardError } from '../../errors.js';

// Parser states.
const START = 0;
const HEADERS = 1;
const BODY = 2;
const CHUNK_SIZE = 3;
const CHUNK_DATA = 4;
const CHUNK_END = 5;
const TRAILERS = 6;
const UNTIL_CLOSE = 7;
const CLOSED = 8;
const TAKEN = 9;
const FAILED = 10;

/** What `headComplete` may return besides a length (a Content-Length, 0 for no body). */
export const CHUNKED = -1;
export const UNTIL_EOF = -2;
/** The rest of the connection is not HTTP (101, a CONNECT tunnel): the parser stops for good. */
export const TAKE_OVER = -3;

/** Trailer fields refused: they would change framing or the connection after the fact. */
const FORBIDDEN_TRAILERS: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding', 'connection', 'proxy-connection', 'upgrade']);

export abstract class MessageParser {
  readonly #side: Http1Side;
  readonly #limits: Http1Limits;
  protected readonly facts = new FieldFacts();
  #state = START;
  #paused = false;
  #error: Http1Error | undefined;
  /** An unfinished line, in pieces. */
  #partial: Buffer[] = [];
  #partialBytes = 0;
  /** Bytes of the head, or of the trailers, so far. */
  #sectionBytes = 0;
  #raw: string[] = [];
  #trailers: string[] | undefined;
  #remaining = 0;

  constructor(side: Http1Side, limits: Partial<Http1Limits> = {}) {
    this.#side = side;
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Parses the start line `buf[start, end)`. */
  protected abstract startLine(buf: Buffer, start: number, end: number): void;
  /** The head is complete; returns the body length, CHUNKED, UNTIL_EOF or TAKE_OVER. */
  protected abstract headComplete(rawHeaders: string[]): number;
  protected abstract body(chunk: Buffer): void;
  /** The message is complete; returns whether another message may follow on the connection. */
  protected abstract messageComplete(rawTrailers: string[] | undefined): boolean;
  /** Whether a message may start now (a response parser refuses bytes nobody asked for). */
  protected abstract expectingMessage(): boolean;

  /**
   * Parses `chunk` and returns how many of its bytes were consumed: all of them, unless a callback
   * paused the parser (then the caller keeps `chunk.subarray(consumed)` for after `resume()`) or
   * the connection stopped being HTTP (an upgrade; the rest belongs to the new protocol). Throws an
   * Http1Error on a malformed message; the parser is then unusable.
   */
  execute(chunk: Buffer): number {
    if (this.#error !== undefined) throw this.#error;
    try {
      return this.#run(chunk);
    } catch (err) {
      if (err instanceof Http1Error) this.#fail(err);
      throw err;
    }
  }

  /** Stops `execute` after the current callback; it returns the bytes consumed so far. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** True between messages: nothing of a next message received yet. */
  get idle(): boolean {
    return (this.#state === START && this.#partialBytes === 0) || this.#state === CLOSED;
  }

  /**
   * The peer closed its side. Ends a body delimited by the close; throws `unexpected-eof` when the
   * close cuts a message short (a lying Content-Length, a head or a chunk cut off).
   */
  finish(): void {
    if (this.#error !== undefined || this.#state === CLOSED || this.#state === TAKEN) return;
    if (this.#state === UNTIL_CLOSE) {
      this.#state = CLOSED;
      this.messageComplete(undefined);
      return;
    }
    // Between messages, a CR cut off from its LF by the close is not a message begun.
    if (this.#state === START && this.#partial.every((piece) => piece.every((b) => b === CR))) return;
    const where = this.#state === START || this.#state === HEADERS ? 'inside the head' : this.#state === BODY ? `${this.#remaining} body bytes short` : 'inside the chunked body';
    const err = new Http1Error(this.#side, 'unexpected-eof', where);
    this.#fail(err);
    throw err;
  }

  /** Refuses the message outside `execute` (the request parser's `continueAsHttp`). */
  protected fail(err: Http1Error): never {
    this.#fail(err);
    throw err;
  }

  #fail(err: Http1Error): void {
    this.#error = err;
    this.#state = FAILED;
    this.#partial = [];
    this.#partialBytes = 0;
  }

  #run(buf: Buffer): number {
    const len = buf.length;
    let pos = 0;
    while (pos < len && !this.#paused) {
      switch (this.#state) {
        case START:
        case HEADERS:
        case CHUNK_SIZE:
        case TRAILERS: {
          if (this.#state === START && !this.expectingMessage()) throw new Http1Error(this.#side, 'unexpected-data', `${len - pos} bytes`);
          const lf = buf.indexOf(LF, pos);
          if (lf === -1) {
            this.#keep(buf, pos);
            return len;
          }
          let line = buf;
          let start = pos;
          let end = lf;
          if (this.#partialBytes > 0) {
            this.#checkSize(this.#partialBytes + (lf + 1 - pos));
            this.#partial.push(buf.subarray(pos, lf + 1));
            line = Buffer.concat(this.#partial, this.#partialBytes + (lf + 1 - pos));
            this.#partial = [];
            this.#partialBytes = 0;
            start = 0;
            end = line.length - 1;
          } else {
            this.#checkSize(lf + 1 - pos);
          }
          pos = lf + 1;
          // RFC 9112 §2.2: a line ends with CRLF; a bare LF is refused as llhttp refuses it.
          if (end === start || line[end - 1] !== CR) throw new Http1Error(this.#side, 'bare-lf');
          this.#line(line, start, end - 1);
          break;
        }
        case BODY:
        case CHUNK_DATA: {
          const n = Math.min(this.#remaining, len - pos);
          const piece = buf.subarray(pos, pos + n);
          pos += n;
          this.#remaining -= n;
          this.body(piece);
          if (this.#remaining === 0) {
            if (this.#state === CHUNK_DATA) this.#state = CHUNK_END;
            else this.#complete(undefined);
          }
          break;
        }
        case CHUNK_END: {
          // RFC 9112 §7.1: chunk-data CRLF. `#remaining` counts the CRLF bytes already seen.
          const b = buf[pos] as number;
          if (b !== (this.#remaining === 0 ? CR : LF)) throw new Http1Error(this.#side, 'missing-crlf-after-chunk', `byte 0x${b.toString(16)}`);
          pos++;
          if (this.#remaining === 0) this.#remaining = 1;
          else {
            this.#remaining = 0;
            this.#state = CHUNK_SIZE;
          }
          break;
        }
        case UNTIL_CLOSE:
          this.body(pos === 0 ? buf : buf.subarray(pos));
          return len;
        case CLOSED: {
          // As llhttp: stray CR and LF after the last message are ignored, anything else refused.
          const b = buf[pos] as number;
          if (b !== CR && b !== LF) throw new Http1Error(this.#side, 'data-after-close', `${len - pos} bytes`);
          pos++;
          break;
        }
        case TAKEN:
          return pos;
        default:
          throw this.#error ?? new Http1Error(this.#side, 'unexpected-data');
      }
    }
    return pos;
  }

  /** Keeps the unfinished line `buf[pos..]` (copied: the caller may reuse its buffer). */
  #keep(buf: Buffer, pos: number): void {
    const n = buf.length - pos;
    this.#checkSize(this.#partialBytes + n);
    this.#partial.push(Buffer.from(buf.subarray(pos)));
    this.#partialBytes += n;
  }

  /** `lineBytes` more bytes (with the CRLF) would belong to the current section. */
  #checkSize(lineBytes: number): void {
    if (this.#state === CHUNK_SIZE) {
      if (lineBytes > this.#limits.maxChunkLineBytes + 2) throw new Http1Error(this.#side, 'chunk-extensions-too-large');
    } else if (this.#sectionBytes + lineBytes > this.#limits.maxHeaderBytes) {
      throw new Http1Error(this.#side, this.#state === TRAILERS ? 'trailers-too-large' : 'headers-too-large');
    }
  }

  /** One complete line `buf[start, end)`, its CRLF removed. */
  #line(buf: Buffer, start: number, end: number): void {
    switch (this.#state) {
      case START: {
        if (start === end) return; // RFC 9112 §2.2: empty lines before a request are ignored.
        const cr = buf.indexOf(CR, start);
        if (cr < end) throw new Http1Error(this.#side, 'bare-cr', 'in the start line');
        this.startLine(buf, start, end);
        this.#sectionBytes = end - start + 2;
        this.#raw = [];
        this.facts.reset();
        this.#state = HEADERS;
        return;
      }
      case HEADERS:
        if (start === end) {
          this.#follow(this.headComplete(this.#raw));
          return;
        }
        this.#sectionBytes += end - start + 2;
        if (this.#raw.length >= this.#limits.maxHeaderCount * 2) throw new Http1Error(this.#side, 'too-many-headers', `over ${this.#limits.maxHeaderCount}`);
        const tabAfter = pushFieldLine(buf, start, end, this.#raw, this.#side);
        this.facts.note(this.#raw[this.#raw.length - 2] as string, this.#raw[this.#raw.length - 1] as string, tabAfter, this.#side);
        return;
      case CHUNK_SIZE: {
        const size = parseChunkLine(buf, start, end, this.#side);
        if (size === 0) {
          this.#state = TRAILERS;
          this.#sectionBytes = 0;
          this.#trailers = undefined;
        } else {
          this.#state = CHUNK_DATA;
          this.#remaining = size;
        }
        return;
      }
      case TRAILERS: {
        if (start === end) {
          this.#complete(this.#trailers);
          return;
        }
        this.#sectionBytes += end - start + 2;
        const trailers = (this.#trailers ??= []);
        if (trailers.length >= this.#limits.maxHeaderCount * 2) throw new Http1Error(this.#side, 'trailers-too-large', `over ${this.#limits.maxHeaderCount} fields`);
        pushFieldLine(buf, start, end, trailers, this.#side);
        const name = (trailers[trailers.length - 2] as string).toLowerCase();
        if (FORBIDDEN_TRAILERS.has(name)) throw new Http1Error(this.#side, 'forbidden-trailer', name);
        return;
      }
    }
  }

  /**
   * After a head answered with TAKE_OVER, reads what follows as the message's body after all
   * (`framing` as `headComplete` returns it), then further messages: the request parser's
   * `continueAsHttp`.
   */
  protected continueWith(framing: number): void {
    if (this.#state !== TAKEN) throw new SwitchyardError('SY_ERR_INTERNAL', 'the parser did not stop at an upgrade');
    this.#follow(framing);
  }

  #follow(framing: number): void {
    if (framing === TAKE_OVER) {
      this.#state = TAKEN;
    } else if (framing === CHUNKED) {
      this.#state = CHUNK_SIZE;
    } else if (framing === UNTIL_EOF) {
      this.#state = UNTIL_CLOSE;
    } else if (framing > 0) {
      this.#state = BODY;
      this.#remaining = framing;
    } else {
      this.#complete(undefined);
    }
  }

  #complete(trailers: string[] | undefined): void {
    this.#trailers = undefined;
    this.#sectionBytes = 0;
    this.#state = this.messageComplete(trailers) ? START : CLOSED;
  }
}
