/**
 * Reading log bytes four at a time. A JavaScript loop over a Uint8Array handles one byte per
 * iteration; the scan's long fields (user agents, referrers, request lines) make that most of
 * the parse. An Int32Array over the buffer's whole ArrayBuffer reads aligned words, so finding
 * a byte (`findByte`), hashing (key-table.ts `hashBytes`) and comparing keys (`sameBytes`) take
 * one iteration per four bytes. On the benchmark's log that took parsing a combined line from
 * ~480 to ~350 ns, and hashing and looking up its user agent from ~130 to ~85 ns.
 *
 * Words are read as little-endian numbers, as the byte-at-a-time code assembles them; on a
 * big-endian machine (`LITTLE_ENDIAN` false) callers keep to bytes.
 */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

let viewed: ArrayBufferLike | undefined;
let view: Int32Array<ArrayBufferLike> = new Int32Array(0);
/** The buffer `words` are read from, and its offset in their ArrayBuffer. */
let current: Uint8Array | undefined;
let words: Int32Array<ArrayBufferLike> = view;
let base = 0;

/**
 * Makes `buf` the buffer that the functions here and key-table.ts `hashBytes` read a word at a
 * time; others they read a byte at a time. scan/line-splitter.ts calls it for every buffer it
 * parses lines of. Byte `i` of `buf` is in word `(base + i) >> 2` of the Int32Array over its whole
 * ArrayBuffer, made once per ArrayBuffer (a scan job reads into one reused buffer). Asking a
 * typed array for its `buffer` or `byteOffset` is a call V8 does not inline, too slow for every
 * field, hence this state instead of finding the words from `buf` itself. The few bytes past the
 * last whole word are not in the view, so readers check that the words they need exist.
 */
export function readWordsOf(buf: Uint8Array): void {
  if (!LITTLE_ENDIAN) return;
  const ab = buf.buffer;
  if (ab !== viewed) {
    viewed = ab;
    view = new Int32Array(ab, 0, ab.byteLength >> 2);
  }
  current = buf;
  words = view;
  base = buf.byteOffset;
}

/** The words of `buf` and its offset among them, if it is the buffer `readWordsOf` was given. */
export function wordsOf(buf: Uint8Array): Int32Array<ArrayBufferLike> | undefined {
  return buf === current ? words : undefined;
}

export function baseOf(): number {
  return base;
}

/**
 * The first index of byte `c` in `buf[from, end)`, or -1, a word at a time: a word XOR `c` in
 * every byte has a zero byte where `c` is, and `(v - 0x01010101) & ~v & 0x80808080` marks the
 * lowest zero byte exactly (marks above it may be borrows, and are never looked at).
 */
export function findByte(buf: Uint8Array, c: number, from: number, end: number): number {
  const stop = base + end;
  if (buf !== current || end - from < 8 || (stop + 3) >> 2 > words.length) {
    for (let i = from; i < end; i++) if (buf[i] === c) return i;
    return -1;
  }
  const pattern = Math.imul(c, 0x01010101);
  const a = base + from;
  let j = a >> 2;
  // Bytes of the first word before `from` are set to 0xff, which neither matches nor borrows.
  let v = ((words[j] as number) ^ pattern) | ((1 << ((a & 3) << 3)) - 1);
  for (;;) {
    const z = (v - 0x01010101) & ~v & 0x80808080;
    if (z !== 0) {
      const at = (j << 2) + ((31 - Math.clz32(z & -z)) >> 3) - base;
      return at < end ? at : -1;
    }
    if (++j << 2 >= stop) return -1;
    v = (words[j] as number) ^ pattern;
  }
}

/**
 * Whether `buf[start, start + len)` equals the bytes at `from` of `arena`, whose words are
 * `arenaWords` and where `from` is a multiple of four (key-table.ts records).
 */
export function sameBytes(buf: Uint8Array, start: number, len: number, arena: Uint8Array, arenaWords: Int32Array, from: number): boolean {
  let i = 0;
  if (len >= 16 && buf === current) {
    const a = base + start;
    const n = len >> 2;
    const j = a >> 2;
    if (j + n < words.length) {
      const shift = (a & 3) << 3;
      const w = from >> 2;
      if (shift === 0) {
        for (let k = 0; k < n; k++) if (words[j + k] !== arenaWords[w + k]) return false;
      } else {
        let lo = words[j] as number;
        for (let k = 0; k < n; k++) {
          const hi = words[j + k + 1] as number;
          if (((lo >>> shift) | (hi << (32 - shift))) !== arenaWords[w + k]) return false;
          lo = hi;
        }
      }
      i = n << 2;
    }
  }
  for (; i < len; i++) if (arena[from + i] !== buf[start + i]) return false;
  return true;
}
