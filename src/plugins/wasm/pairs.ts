/**
 * The ABI's serialization of header maps (spec v0.2.1 "Serialization"): a little-endian u32
 * count, then a u32 key length and u32 value length per pair, then each key and value followed
 * by a NUL byte. An empty map is zero bytes or a single 0x00.
 */

/** Pairs as a flat [name, value, name, value, ...] list, the shape used on both sides. */
export type Pairs = string[];

export function serializePairs(pairs: readonly string[]): Uint8Array {
  const encoded = pairs.map((s) => Buffer.from(s, 'utf8'));
  const count = encoded.length / 2;
  let size = 4 + count * 8;
  for (const b of encoded) size += b.length + 1;
  const out = Buffer.alloc(size);
  out.writeUInt32LE(count, 0);
  let at = 4;
  for (const b of encoded) {
    out.writeUInt32LE(b.length, at);
    at += 4;
  }
  for (const b of encoded) {
    b.copy(out, at);
    at += b.length + 1;
  }
  return out;
}

/** Undefined when `bytes` is not a well-formed serialized map. */
export function parsePairs(bytes: Uint8Array): Pairs | undefined {
  if (bytes.length === 0 || (bytes.length === 1 && bytes[0] === 0)) return [];
  if (bytes.length < 4) return undefined;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.readUInt32LE(0);
  if (4 + count * 8 > view.length) return undefined;
  const out: Pairs = [];
  let at = 4 + count * 8;
  for (let i = 0; i < count * 2; i++) {
    const len = view.readUInt32LE(4 + i * 4);
    if (at + len + 1 > view.length) return undefined;
    out.push(view.toString('utf8', at, at + len));
    at += len + 1;
  }
  return out;
}
