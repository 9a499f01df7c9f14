/**
 * FastCGI records (FastCGI 1.0 specification, section 3): the 8-byte header, encoders for the
 * records a web server sends, and an incremental parser for the records an application sends.
 *
 * Written by hand: no maintained FastCGI client exists on npm (SPEC section 3), and the parser
 * must reject streams that a lenient client would silently mis-frame (a wrong version byte, a
 * record cut short, an END_REQUEST of the wrong size), because every such stream becomes a 502.
 */

export const FCGI_VERSION_1 = 1;
export const HEADER_LENGTH = 8;
/** contentLength is a 16-bit field (spec 3.3). */
export const MAX_CONTENT_LENGTH = 0xffff;

export const RecordType = {
  BEGIN_REQUEST: 1,
  ABORT_REQUEST: 2,
  END_REQUEST: 3,
  PARAMS: 4,
  STDIN: 5,
  STDOUT: 6,
  STDERR: 7,
  DATA: 8,
  GET_VALUES: 9,
  GET_VALUES_RESULT: 10,
  UNKNOWN_TYPE: 11,
} as const;

export const Role = { RESPONDER: 1 } as const;
/** BEGIN_REQUEST flags (spec 5.1): keep the connection open after the request. */
export const FCGI_KEEP_CONN = 1;

/** END_REQUEST protocolStatus values (spec 5.5). */
export const ProtocolStatus = { REQUEST_COMPLETE: 0, CANT_MPX_CONN: 1, OVERLOADED: 2, UNKNOWN_ROLE: 3 } as const;

export interface FastcgiRecord {
  readonly type: number;
  readonly requestId: number;
  readonly content: Buffer;
}

/** A record stream that breaks the protocol; the connection carrying it cannot be trusted again. */
export class FastcgiProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FastcgiProtocolError';
  }
}

/** Header of one record; padding keeps records 8-byte aligned, as nginx and php-fpm do. */
export function encodeHeader(type: number, requestId: number, contentLength: number, paddingLength: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_LENGTH);
  header[0] = FCGI_VERSION_1;
  header[1] = type;
  header.writeUInt16BE(requestId, 2);
  header.writeUInt16BE(contentLength, 4);
  header[6] = paddingLength;
  header[7] = 0;
  return header;
}

const PADDING = Buffer.alloc(8);

/**
 * Encodes `content` as one or more records of `type` (content over 65535 bytes is split).
 * An empty `content` gives the single empty record that ends a stream (spec 3.3).
 */
export function encodeStream(type: number, requestId: number, content: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let offset = 0;
  do {
    const length = Math.min(MAX_CONTENT_LENGTH, content.length - offset);
    const padding = (8 - (length % 8)) % 8;
    out.push(encodeHeader(type, requestId, length, padding));
    if (length > 0) out.push(content.subarray(offset, offset + length));
    if (padding > 0) out.push(PADDING.subarray(0, padding));
    offset += length;
  } while (offset < content.length);
  return out;
}

export function encodeBeginRequest(requestId: number, keepConn: boolean): Buffer {
  const record = Buffer.alloc(HEADER_LENGTH + 8);
  encodeHeader(RecordType.BEGIN_REQUEST, requestId, 8, 0).copy(record, 0);
  record.writeUInt16BE(Role.RESPONDER, 8);
  record[10] = keepConn ? FCGI_KEEP_CONN : 0;
  return record;
}

/**
 * Everything that starts a request, in one buffer for one socket write: BEGIN_REQUEST, the
 * PARAMS records carrying `params` (encoded pairs; a string holds one byte per character, see
 * params.ts), the empty PARAMS that ends them, and when the whole body is at hand (`stdin`,
 * empty for none) its STDIN records and the empty one that ends them. Without `stdin` the body
 * follows as STDIN records of its own. A GET costs one write instead of one per record (a socket
 * write was the largest item of the per-request profile).
 */
export function encodeRequest(requestId: number, keepConn: boolean, params: string | Buffer, stdin: Buffer | undefined): Buffer {
  const paramsLength = params.length;
  const stdinLength = stdin?.length ?? 0;
  let size = 2 * HEADER_LENGTH + streamSize(paramsLength) + HEADER_LENGTH;
  if (stdin !== undefined) size += streamSize(stdinLength) + HEADER_LENGTH;
  const out = Buffer.allocUnsafe(size);
  writeHeader(out, 0, RecordType.BEGIN_REQUEST, requestId, 8, 0);
  out[8] = 0;
  out[9] = Role.RESPONDER;
  out[10] = keepConn ? FCGI_KEEP_CONN : 0;
  for (let i = 11; i < 16; i++) out[i] = 0;
  let offset = writeStream(out, 2 * HEADER_LENGTH, RecordType.PARAMS, requestId, params);
  offset = writeHeader(out, offset, RecordType.PARAMS, requestId, 0, 0);
  if (stdin !== undefined) {
    offset = writeStream(out, offset, RecordType.STDIN, requestId, stdin);
    writeHeader(out, offset, RecordType.STDIN, requestId, 0, 0);
  }
  return out;
}

/** Bytes taken by the records carrying `length` bytes of a stream, without its empty end record. */
function streamSize(length: number): number {
  const full = Math.floor(length / MAX_CONTENT_LENGTH);
  const rest = length - full * MAX_CONTENT_LENGTH;
  // A full record's 65535 bytes take one byte of padding.
  let size = full * (HEADER_LENGTH + MAX_CONTENT_LENGTH + 1);
  if (rest > 0) size += HEADER_LENGTH + rest + ((8 - (rest % 8)) % 8);
  return size;
}

function writeHeader(out: Buffer, offset: number, type: number, requestId: number, contentLength: number, paddingLength: number): number {
  out[offset] = FCGI_VERSION_1;
  out[offset + 1] = type;
  out[offset + 2] = requestId >>> 8;
  out[offset + 3] = requestId & 0xff;
  out[offset + 4] = contentLength >>> 8;
  out[offset + 5] = contentLength & 0xff;
  out[offset + 6] = paddingLength;
  out[offset + 7] = 0;
  return offset + HEADER_LENGTH;
}

/** Writes `content` as records of `type` (none for empty content); returns the end offset. */
function writeStream(out: Buffer, offset: number, type: number, requestId: number, content: string | Buffer): number {
  for (let start = 0; start < content.length; start += MAX_CONTENT_LENGTH) {
    const length = Math.min(MAX_CONTENT_LENGTH, content.length - start);
    const padding = (8 - (length % 8)) % 8;
    offset = writeHeader(out, offset, type, requestId, length, padding);
    if (typeof content === 'string') out.write(length === content.length ? content : content.slice(start, start + length), offset, length, 'latin1');
    else content.copy(out, offset, start, start + length);
    offset += length;
    for (let i = 0; i < padding; i++) out[offset++] = 0;
  }
  return offset;
}

export function encodeEndRequest(requestId: number, appStatus: number, protocolStatus: number): Buffer {
  const record = Buffer.alloc(HEADER_LENGTH + 8);
  encodeHeader(RecordType.END_REQUEST, requestId, 8, 0).copy(record, 0);
  record.writeUInt32BE(appStatus >>> 0, 8);
  record[12] = protocolStatus;
  return record;
}

export interface EndRequest {
  readonly appStatus: number;
  readonly protocolStatus: number;
}

export function decodeEndRequest(content: Buffer): EndRequest {
  if (content.length !== 8) throw new FastcgiProtocolError(`END_REQUEST body is ${content.length} bytes, expected 8`);
  return { appStatus: content.readUInt32BE(0), protocolStatus: content[4] ?? 0 };
}

/**
 * Incremental record parser. Feed it socket chunks; it returns the complete records they hold
 * and keeps the remainder. Chunks are only concatenated once a whole record is present, so a
 * 64 KiB record arriving in many small reads costs one copy, not one per read.
 */
export class RecordParser {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /** Bytes held that do not yet form a whole record. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Buffer): FastcgiRecord[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const records: FastcgiRecord[] = [];
    while (this.#buffered >= HEADER_LENGTH) {
      const head = this.#peek(HEADER_LENGTH);
      if (head[0] !== FCGI_VERSION_1) throw new FastcgiProtocolError(`record has version ${head[0]}, expected 1`);
      const type = head[1] ?? 0;
      if (type < RecordType.BEGIN_REQUEST || type > RecordType.UNKNOWN_TYPE) {
        throw new FastcgiProtocolError(`record has unknown type ${type}`);
      }
      const contentLength = head.readUInt16BE(4);
      const total = HEADER_LENGTH + contentLength + (head[6] ?? 0);
      if (this.#buffered < total) break;
      const whole = this.#take(total);
      records.push({
        type,
        requestId: whole.readUInt16BE(2),
        content: whole.subarray(HEADER_LENGTH, HEADER_LENGTH + contentLength),
      });
    }
    return records;
  }

  /** Call when the stream ends: leftover bytes mean the last record was cut short. */
  end(): void {
    if (this.#buffered === 0) return;
    if (this.#buffered < HEADER_LENGTH) {
      throw new FastcgiProtocolError(`stream ended inside a record header (${this.#buffered} of 8 bytes)`);
    }
    const head = this.#peek(HEADER_LENGTH);
    const declared = head.readUInt16BE(4) + (head[6] ?? 0);
    throw new FastcgiProtocolError(
      `stream ended inside a record: it declared ${declared} bytes of content and padding, ${this.#buffered - HEADER_LENGTH} arrived`,
    );
  }

  #peek(n: number): Buffer {
    const first = this.#chunks[0] as Buffer;
    if (first.length >= n) return first;
    const joined = Buffer.concat(this.#chunks);
    this.#chunks = [joined];
    return joined;
  }

  #take(n: number): Buffer {
    const first = this.#peek(n);
    this.#buffered -= n;
    if (first.length === n) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(n);
    return first.subarray(0, n);
  }
}
