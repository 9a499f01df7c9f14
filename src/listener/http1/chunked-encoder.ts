/**
 * The chunked transfer coding for bodies the gateway sends (RFC 9112 §7.1): each piece of body
 * becomes `size-in-hex CRLF data CRLF`, and the body ends with the last chunk `0 CRLF`, optional
 * trailer fields and an empty line. An empty piece is written as nothing, since an empty chunk
 * would end the body.
 *
 * Either one Buffer per chunk (`encodeChunk`, one socket write, the data copied once) or the size
 * line and the data written separately in a corked socket (`chunkSizeLine` + data + CRLF), which
 * avoids the copy for large pieces.
 */
import { fieldLine, eachField, type FieldSink, type OutgoingFields } from './outgoing-fields.js';

export const CRLF = '\r\n';

/** The end of a chunked body without trailers. */
export const LAST_CHUNK = '0\r\n\r\n';

/** `size CRLF` for a chunk of `length` bytes (length > 0). */
export function chunkSizeLine(length: number): string {
  return `${length.toString(16)}\r\n`;
}

/** One chunk holding `data`, as a single Buffer; empty when `data` is empty. */
export function encodeChunk(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  if (body.length === 0) return Buffer.alloc(0);
  const size = chunkSizeLine(body.length);
  const out = Buffer.allocUnsafe(size.length + body.length + 2);
  out.write(size, 0, 'latin1');
  body.copy(out, size.length);
  out[out.length - 2] = 0x0d;
  out[out.length - 1] = 0x0a;
  return out;
}

class TrailerLines implements FieldSink {
  lines = '';
  field(name: string, value: string): void {
    this.lines += fieldLine(name, value);
  }
}

/** The last chunk with trailer fields (checked as header fields are), and the final CRLF. */
export function lastChunk(trailers?: OutgoingFields): string {
  if (trailers === undefined) return LAST_CHUNK;
  const sink = new TrailerLines();
  eachField(trailers, sink);
  return `0\r\n${sink.lines}\r\n`;
}
