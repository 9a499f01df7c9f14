/**
 * gRPC's message framing (PROTOCOL-HTTP2.md "Length-Prefixed-Message"): a flags byte (bit 0
 * compressed; gRPC-Web uses bit 7 for its trailer frame), a 4-byte big-endian length, the
 * message. Written by hand: five bytes of header need no library.
 */

/** gRPC-Web: the frame carries the trailers as an HTTP/1-style header block. */
export const TRAILER_FLAG = 0x80;
export const COMPRESSED_FLAG = 0x01;

export interface Frame {
  readonly flags: number;
  readonly data: Buffer;
}

/** One length-prefixed frame. */
export function frame(data: Uint8Array, flags = 0): Buffer {
  const out = Buffer.allocUnsafe(5 + data.byteLength);
  out[0] = flags;
  out.writeUInt32BE(data.byteLength, 1);
  out.set(data, 5);
  return out;
}

/** Cuts a byte stream into frames, whatever the chunk boundaries; refuses frames over `maxLength`. */
export class FrameReader {
  readonly #maxLength: number;
  #buffer: Buffer = Buffer.alloc(0);

  constructor(maxLength: number) {
    this.#maxLength = maxLength;
  }

  /** The frames completed by `chunk`; throws a RangeError for a frame over the limit. */
  push(chunk: Buffer): Frame[] {
    let buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const frames: Frame[] = [];
    while (buffer.length >= 5) {
      const length = buffer.readUInt32BE(1);
      if (length > this.#maxLength) throw new RangeError(`a message of ${length} bytes exceeds the limit of ${this.#maxLength}`);
      if (buffer.length < 5 + length) break;
      frames.push({ flags: buffer[0] as number, data: buffer.subarray(5, 5 + length) });
      buffer = buffer.subarray(5 + length);
    }
    this.#buffer = buffer;
    return frames;
  }

  /** Bytes of an unfinished frame are left (the stream ended in the middle of one). */
  get pending(): boolean {
    return this.#buffer.length > 0;
  }
}
