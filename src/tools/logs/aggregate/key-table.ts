/**
 * Counts per distinct key (path, client, user agent, referrer) in an open-addressing hash table
 * written by hand instead of a `Map<string, ...>`: a key is hashed and compared straight from the
 * bytes of the log line, so a line whose key was seen before creates no string at all. With a Map
 * every line paid for slicing a string, hashing it (V8 caches a hash only per string object, and
 * every line's slice is a new one) and a pointer-chasing lookup; on a 1M-line combined log that
 * was the largest item of the profile. A key's string is made only when asked for (`key`): a
 * worker thread never makes one, it posts its keys as bytes (`snapshot`).
 *
 * Keys are latin1 (one byte per character, see scan/line-splitter.ts), so the same hash serves a
 * key given as bytes and one given as a string. With hundreds of thousands of distinct paths the
 * table outgrows the CPU caches and a lookup costs its cache misses, so everything a lookup reads
 * after its slot sits in one record in one buffer: first the `stride` counts that merge by
 * adding, then `local` numbers kept by this thread only (a path's route), then the key's length
 * and its bytes (the hash is in the slot only, which is what growing the table reads). A key is known by where its record starts (its ref: `values[ref]`
 * is its first count), so a line that finds its key reads the slot and one record, where keeping
 * numbers and bytes in separate arrays cost a third cache miss.
 */
import { baseOf, readWordsOf, sameBytes, wordsOf } from './words.js';

// Signed, as Math.imul results are: the empty key's hash is the offset itself, and must compare equal
// to itself once stored in the Int32Array of slots.
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/**
 * FNV-1a over little-endian 32-bit words instead of bytes, then murmur3's finaliser. A multiply
 * waits for the one before it, so a byte-wise chain runs at the multiplier's latency per byte;
 * one multiply per four bytes makes long keys (user agents, referrers) about three times
 * cheaper to hash. Multiplying carries bits only upwards, so the finaliser folds the high bits
 * back into the low ones the slot index is taken from.
 */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  let i = start;
  const words = end - start >= 16 ? wordsOf(buf) : undefined;
  if (words !== undefined) {
    // The same words read whole from the buffer (words.ts), two aligned ones joined when the
    // key does not start on a multiple of four.
    const a = baseOf() + start;
    const n = (end - start) >> 2;
    const j = a >> 2;
    if (j + n < words.length) {
      const shift = (a & 3) << 3;
      if (shift === 0) {
        for (let k = 0; k < n; k++) h = Math.imul(h ^ (words[j + k] as number), FNV_PRIME);
      } else {
        let lo = words[j] as number;
        for (let k = 0; k < n; k++) {
          const hi = words[j + k + 1] as number;
          h = Math.imul(h ^ ((lo >>> shift) | (hi << (32 - shift))), FNV_PRIME);
          lo = hi;
        }
      }
      i = start + (n << 2);
    }
  }
  for (; i + 3 < end; i += 4) {
    const w = (buf[i] as number) | ((buf[i + 1] as number) << 8) | ((buf[i + 2] as number) << 16) | ((buf[i + 3] as number) << 24);
    h = Math.imul(h ^ w, FNV_PRIME);
  }
  for (; i < end; i++) h = Math.imul(h ^ (buf[i] as number), FNV_PRIME);
  return finish(h);
}

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

/** The record's length word of a key that has no byte form (`#wideRef`). */
const WIDE = -1;

export class KeyTable {
  /** Numbers per key that `snapshot` posts and `addSnapshot` adds up. */
  readonly stride: number;
  /** Numbers before the key's length: stride, then the local ones. */
  readonly #head: number;
  /** Where records live: numbers through `values`, length through `#words`, key bytes through `#bytes`. */
  #data: ArrayBuffer;
  /** The records' numbers; replaced when the table grows, so read it after getting a ref. */
  values: Float64Array;
  #words: Int32Array;
  #bytes: Buffer;
  /** Eight-byte units of `#data` in use. */
  #used = 0;
  /** Refs in order of arrival, to walk the keys. */
  #refs = new Int32Array(1024);
  #size = 0;
  /** Keys made into strings so far, by ref. */
  readonly #strings = new Map<number, string>();
  /**
   * Slot i: the key's hash at 2i and its ref + 1 at 2i + 1 (0: empty), side by side so that a
   * probe reads one cache line before it reads the record. Kept at most three quarters full: at
   * half full, the slots of the benchmark's 355k paths took 8 MB instead of 4, and the misses
   * of the larger array cost more than the longer probes (eight slots share a cache line).
   */
  #slots = new Int32Array(2048);
  #mask = 1023;
  /** Where `refOfString` writes a key's bytes to look it up. */
  #scratch = Buffer.allocUnsafe(256);
  /**
   * Keys with characters past latin1 (a JSON log can write `\u20ac`): they have no byte form,
   * so they get a Map; no key arriving as bytes can equal one of them.
   */
  #wide: Map<string, number> | undefined;

  /** Most keys the table takes; past it the refs of new keys are -1 (stats.ts counts them in a sketch). */
  readonly #limit: number;

  constructor(stride: number, local = 0, limit = Infinity) {
    this.#limit = limit;
    this.stride = stride;
    this.#head = stride + local;
    this.#data = new ArrayBuffer(65536);
    this.values = new Float64Array(this.#data);
    this.#words = new Int32Array(this.#data);
    this.#bytes = Buffer.from(this.#data);
  }

  get size(): number {
    return this.#size;
  }

  /** The ref of the i-th key added (0 <= i < size). */
  refAt(i: number): number {
    return this.#refs[i] as number;
  }

  /** Count `k` of every key, in order of arrival: a dense copy for scans over all counts. */
  column(k: number): Float64Array {
    const out = new Float64Array(this.#size);
    for (let i = 0; i < this.#size; i++) out[i] = this.values[(this.#refs[i] as number) + k] as number;
    return out;
  }

  /**
   * The refs of the keys whose count `k` is at least `min`, in order of arrival: the few that can
   * make a top-n table, found by a plain loop rather than a generator step per key.
   */
  refsAtLeast(k: number, min: number): number[] {
    const out: number[] = [];
    const refs = this.#refs;
    const values = this.values;
    for (let i = 0; i < this.#size; i++) {
      const ref = refs[i] as number;
      if ((values[ref + k] as number) >= min) out.push(ref);
    }
    return out;
  }

  /** The key of a ref, as a string. */
  key(ref: number): string {
    let key = this.#strings.get(ref);
    if (key === undefined) {
      const at = 2 * (ref + this.#head);
      const start = 4 * at + 4;
      key = this.#bytes.toString('latin1', start, start + (this.#words[at] as number));
      this.#strings.set(ref, key);
    }
    return key;
  }

  /** The ref of the key in `buf[start, end)`, added (numbers 0) if new; -1 if new and the table is full. */
  refOfBytes(buf: Buffer, start: number, end: number): number {
    return this.refOfHashedBytes(buf, start, end, hashBytes(buf, start, end));
  }

  /**
   * `refOfBytes` with the key's `hashBytes` hash already taken, by the parser that found the
   * field's end (format/layout-bytes.ts `endAndHash`) just before, while its bytes are in cache.
   */
  refOfHashedBytes(buf: Buffer, start: number, end: number, h: number): number {
    return this.#refOf(buf, start, end, h, undefined);
  }

  /** The probe behind every form; `key`, when given, is kept as the new key's string. */
  #refOf(buf: Buffer, start: number, end: number, h: number, key: string | undefined): number {
    const len = end - start;
    const slots = this.#slots;
    const mask = this.#mask;
    const words = this.#words;
    const head = this.#head;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot + 1] as number;
      if (entry === 0) return this.#insert(slot, h, buf, start, end, key);
      if (slots[2 * slot] !== h) continue;
      const ref = entry - 1;
      const at = 2 * (ref + head);
      if (words[at] !== len) continue;
      if (sameBytes(buf, start, len, this.#bytes, words, 4 * at + 4)) return ref;
    }
  }

  /**
   * The ref of a key given as a string, added (numbers 0) if new. A latin1 key is written into a
   * scratch buffer and looked up as bytes, so both forms share one hash and one probe loop.
   */
  refOfString(key: string): number {
    const len = key.length;
    if (this.#scratch.length < len) this.#scratch = Buffer.allocUnsafe(Math.max(2 * this.#scratch.length, len));
    const scratch = this.#scratch;
    // Keys are short: copying in the loop that looks for wide characters beats a native write.
    for (let i = 0; i < len; i++) {
      const c = key.charCodeAt(i);
      if (c > 255) return this.#wideRef(key);
      scratch[i] = c;
    }
    return this.#refOf(scratch, 0, len, hashBytes(scratch, 0, len), key);
  }

  /**
   * The table as plain data for postMessage, `addSnapshot` adds one in: the record buffer itself
   * and the refs, not a copy. Posted with `transferables` in the transfer list, the worker's
   * tables reach the main thread without being copied; building a packed copy of 355k paths and
   * cloning it took ~35 ms at the end of the scan, while the main thread waited.
   */
  snapshot(): KeySnapshot {
    const wide: [number, string][] = [];
    const words = this.#words;
    for (let i = 0; i < this.#size; i++) {
      const ref = this.#refs[i] as number;
      if (words[2 * (ref + this.#head)] === WIDE) wide.push([i, this.key(ref)]);
    }
    return { data: this.#data, refs: this.#refs.subarray(0, this.#size), head: this.#head, stride: this.stride, wide };
  }

  /**
   * Adds a snapshot's counts key by key (same stride), hashing its keys from their bytes. Keys
   * that find the table full go to `overflow` with their counts.
   */
  addSnapshot(s: KeySnapshot, overflow?: (key: string, counts: Float64Array) => void): void {
    if (s.stride !== this.stride) throw new TypeError(`snapshot of stride ${s.stride} added to a table of stride ${this.stride}`);
    const bytes = Buffer.from(s.data);
    const numbers = new Float64Array(s.data);
    const lengths = new Int32Array(s.data);
    const wide = new Map(s.wide);
    const { stride } = this;
    const head = s.head;
    // Keys start on multiples of four in the snapshot: hashed and compared a word at a time.
    readWordsOf(bytes);
    for (let i = 0; i < s.refs.length; i++) {
      const from = s.refs[i] as number;
      const w = wide.get(i);
      const start = 8 * (from + head) + 4;
      const end = start + (lengths[2 * (from + head)] as number);
      const ref = w === undefined ? this.refOfBytes(bytes, start, end) : this.refOfString(w);
      if (ref === -1) {
        overflow?.(w ?? bytes.toString('latin1', start, end), numbers.subarray(from, from + stride));
        continue;
      }
      const values = this.values;
      for (let k = 0; k < stride; k++) values[ref + k] = (values[ref + k] as number) + (numbers[from + k] as number);
    }
  }

  #wideRef(key: string): number {
    this.#wide ??= new Map();
    let ref = this.#wide.get(key);
    if (ref === undefined) {
      if (this.#size >= this.#limit) return -1;
      ref = this.#newRecord(this.#scratch, 0, 0);
      this.#words[2 * (ref + this.#head)] = WIDE;
      this.#strings.set(ref, own(key));
      this.#wide.set(key, ref);
    }
    return ref;
  }

  #insert(slot: number, hash: number, buf: Uint8Array, start: number, end: number, key: string | undefined): number {
    if (this.#size >= this.#limit) return -1;
    const ref = this.#newRecord(buf, start, end);
    if (key !== undefined) this.#strings.set(ref, own(key));
    this.#slots[2 * slot] = hash;
    this.#slots[2 * slot + 1] = ref + 1;
    if (this.#size * 4 > this.#mask * 3) this.#rehash();
    return ref;
  }

  /** Appends a record (numbers 0) for the key in `buf[start, end)`; returns its ref. */
  #newRecord(buf: Uint8Array, start: number, end: number): number {
    const len = end - start;
    const head = this.#head;
    const ref = this.#used;
    // Numbers, then length and key padded to whole eight-byte units.
    const used = ref + head + ((len + 4 + 7) >> 3);
    if (used * 8 > this.#data.byteLength) this.#grow(Math.max(2 * this.#data.byteLength, used * 8));
    this.#used = used;
    const at = 2 * (ref + head);
    this.#words[at] = len;
    // Keys are short: a loop beats making a subarray view per new key to pass to `set`.
    const bytes = this.#bytes;
    const from = 4 * at + 4 - start;
    for (let i = start; i < end; i++) bytes[from + i] = buf[i] as number;
    if (this.#size === this.#refs.length) {
      const refs = new Int32Array(2 * this.#size);
      refs.set(this.#refs);
      this.#refs = refs;
    }
    this.#refs[this.#size++] = ref;
    return ref;
  }

  #grow(byteLength: number): void {
    const data = new ArrayBuffer(byteLength);
    new Uint8Array(data).set(new Uint8Array(this.#data, 0, this.#used * 8));
    this.#data = data;
    this.values = new Float64Array(data);
    this.#words = new Int32Array(data);
    this.#bytes = Buffer.from(data);
  }

  #rehash(): void {
    const old = this.#slots;
    const size = (this.#mask + 1) * 2;
    const slots = new Int32Array(2 * size);
    const mask = size - 1;
    for (let i = 0; i < old.length; i += 2) {
      const entry = old[i + 1] as number;
      if (entry === 0) continue;
      const hash = old[i] as number;
      let slot = hash & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = hash;
      slots[2 * slot + 1] = entry;
    }
    this.#slots = slots;
    this.#mask = mask;
  }

}

/** A key table as plain data: its record buffer (the layout above) and where each key's record starts. */
export interface KeySnapshot {
  readonly data: ArrayBuffer;
  /** Refs in order of arrival. */
  readonly refs: Int32Array;
  /** Numbers before each key's length: stride, then local ones. */
  readonly head: number;
  /** Counts that merge by adding: the first `stride` numbers of a record. */
  readonly stride: number;
  /** Keys without a byte form, by index into `refs`. */
  readonly wide: readonly (readonly [number, string])[];
}

/** The buffers of a snapshot, for a postMessage transfer list. */
export function transferables(s: KeySnapshot): ArrayBuffer[] {
  return [s.data, s.refs.buffer as ArrayBuffer];
}

/**
 * A flat copy of a key given as a string. Such keys are often slices of the 1 MiB chunk string a
 * line came from, and V8 keeps a slice's whole parent alive: storing slices would hold the
 * entire log in memory. Concatenating makes V8 flatten into a fresh string of the key's length;
 * slices shorter than 13 characters V8 copies itself.
 */
export function own(key: string): string {
  return key.length < 13 ? key : (' ' + key).slice(1);
}
