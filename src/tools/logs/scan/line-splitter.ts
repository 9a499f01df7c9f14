/**
 * Splits a byte stream into lines and hands each to a parser, counting lines so malformed ones can
 * be reported by number. Bytes are decoded as latin1: one byte per character, the cheapest decode
 * V8 has, and lossless, so keys are turned back into UTF-8 only when a report prints them
 * (`display` in report/build-report.ts). A line may span chunks; the partial tail is carried to the next one.
 */
import type { Stats } from '../aggregate/stats.js';
import { emptyRecord, type LineParser } from '../format/log-record.js';

const MAX_LINE = 1024 * 1024;

export class LineSplitter {
  readonly #parse: LineParser;
  readonly #stats: Stats;
  readonly #source: number;
  readonly #chunk: number;
  readonly #rec = emptyRecord();
  #carry: Buffer | undefined;
  /** Inside a line longer than MAX_LINE, already counted: bytes are dropped up to its end. */
  #overlong = false;
  /** Lines seen so far, blank ones included, so numbers match an editor's. */
  lines = 0;

  constructor(parse: LineParser, stats: Stats, source: number, chunk: number) {
    this.#parse = parse;
    this.#stats = stats;
    this.#source = source;
    this.#chunk = chunk;
  }

  /** Feeds bytes; the buffer may be reused by the caller afterwards. */
  feed(chunk: Buffer): void {
    let buf = chunk;
    if (this.#overlong) {
      const nl = buf.indexOf(10);
      if (nl === -1) return;
      this.#overlong = false;
      this.lines++;
      buf = buf.subarray(nl + 1);
    }
    if (this.#carry !== undefined) {
      buf = Buffer.concat([this.#carry, buf]);
      this.#carry = undefined;
    }
    const last = buf.lastIndexOf(10);
    if (last === -1) {
      if (buf.length > MAX_LINE) {
        // No access-log line is this long (a binary file, a log without newlines): count it
        // once as malformed and skip to the next newline instead of buffering without bound.
        this.#stats.addMalformed(this.#source, this.#chunk, this.lines, buf.toString('latin1', 0, 500));
        this.#overlong = true;
      } else if (buf.length > 0) {
        this.#carry = Buffer.from(buf);
      }
      return;
    }
    this.#lines(buf.toString('latin1', 0, last));
    if (last + 1 < buf.length) this.#carry = Buffer.from(buf.subarray(last + 1));
  }

  /** The input ended: a last line without a final newline still counts. */
  end(): void {
    if (this.#overlong) {
      this.#overlong = false;
      this.lines++;
    }
    if (this.#carry !== undefined) {
      this.#lines(this.#carry.toString('latin1'));
      this.#carry = undefined;
    }
  }

  #lines(text: string): void {
    const parse = this.#parse;
    const stats = this.#stats;
    const rec = this.#rec;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      let end = nl === -1 ? text.length : nl;
      if (end > start && text.charCodeAt(end - 1) === 13) end--; // CRLF (IIS, Windows)
      if (end > start) {
        const line = text.slice(start, end);
        const result = parse(line, rec);
        if (result === true) stats.add(rec);
        else if (result === false) stats.addMalformed(this.#source, this.#chunk, this.lines, line);
      }
      this.lines++;
      if (nl === -1) return;
      start = nl + 1;
    }
  }
}
