/**
 * Splits a byte stream into lines and hands each to a parser, counting lines so malformed ones can
 * be reported by number. Text layouts (nginx, Apache) are parsed from the bytes themselves
 * (format/layout-bytes.ts); JSON and W3C lines are decoded as latin1 first: one byte per
 * character, the cheapest decode V8 has, and lossless, so keys are turned back into UTF-8 only
 * when a report prints them (`display` in report/build-report.ts). Both ways give the same keys.
 * A line may span chunks; the partial tail is carried to the next one.
 */
import type { Stats } from '../aggregate/stats.js';
import type { FormatSpec } from '../format/layout.js';
import { byteParsable, emptyByteRecord, layoutByteParser, type ByteLineParser } from '../format/layout-bytes.js';
import { emptyRecord, type LineParser } from '../format/log-record.js';
import { parserFor } from '../format/resolve-format.js';
import { readWordsOf } from '../aggregate/words.js';

const MAX_LINE = 1024 * 1024;

export class LineSplitter {
  /** Exactly one of the two is set. */
  readonly #parse: LineParser | undefined;
  readonly #parseBytes: ByteLineParser | undefined;
  readonly #byteRec = emptyByteRecord();
  readonly #stats: Stats;
  readonly #source: number;
  readonly #chunk: number;
  readonly #rec = emptyRecord();
  #carry: Buffer | undefined;
  /** Inside a line longer than MAX_LINE, already counted: bytes are dropped up to its end. */
  #overlong = false;
  /** Lines seen so far, blank ones included, so numbers match an editor's. */
  lines = 0;

  constructor(spec: FormatSpec, stats: Stats, source: number, chunk: number) {
    if (spec.kind === 'layout' && byteParsable(spec)) this.#parseBytes = layoutByteParser(spec);
    else this.#parse = parserFor(spec);
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
      const carry = this.#carry;
      this.#carry = undefined;
      const nl = buf.indexOf(10);
      if (nl === -1) buf = Buffer.concat([carry, buf]);
      else {
        // Only the line cut by the chunk's start is joined, not the whole chunk (a 1 MiB copy).
        const joined = Buffer.concat([carry, buf.subarray(0, nl + 1)]);
        this.#lines(joined, nl + carry.length);
        buf = buf.subarray(nl + 1);
      }
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
    this.#lines(buf, last);
    if (last + 1 < buf.length) this.#carry = Buffer.from(buf.subarray(last + 1));
  }

  /** The input ended: a last line without a final newline still counts. */
  end(): void {
    if (this.#overlong) {
      this.#overlong = false;
      this.lines++;
    }
    if (this.#carry !== undefined) {
      this.#lines(this.#carry, this.#carry.length);
      this.#carry = undefined;
    }
  }

  /** The lines of `buf[0, end)`; `end` is a newline or the end of the input. */
  #lines(buf: Buffer, end: number): void {
    if (this.#parseBytes !== undefined) this.#byteLines(buf, end, this.#parseBytes);
    else this.#textLines(buf.toString('latin1', 0, end), this.#parse as LineParser);
  }

  #byteLines(buf: Buffer, end: number, parse: ByteLineParser): void {
    readWordsOf(buf);
    const stats = this.#stats;
    const rec = this.#byteRec;
    let start = 0;
    for (;;) {
      let nl = start < end ? buf.indexOf(10, start) : -1;
      if (nl >= end) nl = -1;
      let lineEnd = nl === -1 ? end : nl;
      if (lineEnd > start && buf[lineEnd - 1] === 13) lineEnd--; // CRLF (IIS, Windows)
      if (lineEnd > start) {
        if (parse(buf, start, lineEnd, rec)) stats.addBytes(buf, rec);
        else stats.addMalformed(this.#source, this.#chunk, this.lines, buf.toString('latin1', start, Math.min(lineEnd, start + 500)));
      }
      this.lines++;
      if (nl === -1) return;
      start = nl + 1;
    }
  }

  #textLines(text: string, parse: LineParser): void {
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
