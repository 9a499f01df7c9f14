/**
 * Counts per distinct key (path, client) in an open-addressing hash table written by hand instead
 * of a `Map<string, ...>`: a key is hashed and compared straight from the bytes of the log line,
 * so a line whose key was seen before creates no string at all. With a Map every line paid for
 * slicing a string, hashing it (V8 caches a hash only per string object, and every line's slice
 * is a new one) and a pointer-chasing lookup; on a 1M-line combined log that was the largest item
 * of the profile. A key's string is made only when asked for (`key`): a worker thread never
 * makes one, it posts its keys as bytes (`snapshot`).
 *
 * Keys are latin1 (one byte per character, see scan/line-splitter.ts), so the same FNV-1a hash
 * serves a key given as bytes and one given as a string. Keys are numbered densely in order of
 * arrival. With hundreds of thousands of distinct paths the table outgrows the CPU caches and a
 * lookup costs its cache misses, so each key's numbers sit in one record (`values`, `width`
 * numbers at `id * width`): first the `stride` counts that merge by adding, then `local`
 * numbers kept by this thread only (a path's route), then where its bytes are and its hash.
 */
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

export class KeyTable {
  /** Numbers per key that `snapshot` posts and `addSnapshot` adds up. */
  readonly stride: number;
  /** Numbers per key in `values`: stride, local ones, then start, length and hash of the key. */
  readonly width: number;
  /** The records by id; replaced when it grows, so read it after getting an id. */
  values: Float64Array;
  #size = 0;
  /** Keys by id, as far as made yet. */
  readonly #keys: (string | undefined)[] = [];
  /**
   * Slot i: the key's hash at 2i and its id + 1 at 2i + 1 (0: empty), side by side so that a
   * probe reads one cache line before it compares bytes. Kept at most half full.
   */
  #slots = new Int32Array(2048);
  #mask = 1023;
  /** Where `idOfString` writes a key's bytes to look it up. */
  #scratch = Buffer.allocUnsafe(256);
  /** Key bytes back to back. */
  #arena = Buffer.alloc(16384);
  #arenaUsed = 0;
  /**
   * Keys with characters past latin1 (a JSON log can write `\u20ac`): they have no byte form,
   * so they get a Map; no key arriving as bytes can equal one of them.
   */
  #wide: Map<string, number> | undefined;

  /** Most keys the table takes; past it the ids of new keys are -1 (stats.ts counts them in a sketch). */
  readonly #limit: number;

  constructor(stride: number, local = 0, limit = Infinity) {
    this.#limit = limit;
    this.stride = stride;
    this.width = stride + local + 3;
    this.values = new Float64Array(512 * this.width);
  }

  get size(): number {
    return this.#size;
  }

  /** The key of an id, as a string. */
  key(id: number): string {
    let key = this.#keys[id];
    if (key === undefined) {
      const o = id * this.width + this.width - 3;
      const start = this.values[o] as number;
      this.#keys[id] = key = this.#arena.toString('latin1', start, start + (this.values[o + 1] as number));
    }
    return key;
  }

  /** The id of the key in `buf[start, end)`, added (values 0) if new; -1 if new and the table is full. */
  idOfBytes(buf: Buffer, start: number, end: number): number {
    return this.idOfHashedBytes(buf, start, end, hashBytes(buf, start, end));
  }

  /**
   * `idOfBytes` with the key's `hashBytes` hash already taken, by a parser that hashed the bytes
   * while looking for the field's end (format/layout-bytes.ts): long keys such as user agents
   * are then read once, not twice. Long keys are compared natively (memcmp).
   */
  idOfHashedBytes(buf: Buffer, start: number, end: number, h: number): number {
    return this.#idOf(buf, start, end, h, undefined);
  }

  /** The probe behind both forms; `key`, when given, is kept as the new key's string. */
  #idOf(buf: Buffer, start: number, end: number, h: number, key: string | undefined): number {
    const len = end - start;
    const slots = this.#slots;
    const mask = this.#mask;
    const arena = this.#arena;
    const values = this.values;
    const at = this.width - 3;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot + 1] as number;
      if (entry === 0) return this.#insert(slot, h, buf, start, end, key === undefined ? undefined : own(key));
      if (slots[2 * slot] !== h) continue;
      const id = entry - 1;
      const o = id * this.width + at;
      if (values[o + 1] !== len) continue;
      const from = values[o] as number;
      if (len > 48) {
        if (buf.compare(arena, from, from + len, start, end) === 0) return id;
        continue;
      }
      let i = 0;
      while (i < len && arena[from + i] === buf[start + i]) i++;
      if (i === len) return id;
    }
  }

  /**
   * The id of a key given as a string, added (values 0) if new. A latin1 key is written into a
   * scratch buffer and looked up as bytes, so both forms share one hash and one probe loop.
   */
  idOfString(key: string): number {
    const len = key.length;
    if (this.#scratch.length < len) this.#scratch = Buffer.allocUnsafe(Math.max(2 * this.#scratch.length, len));
    const scratch = this.#scratch;
    // Keys are short: copying in the loop that looks for wide characters beats a native write.
    for (let i = 0; i < len; i++) {
      const c = key.charCodeAt(i);
      if (c > 255) return this.#wideId(key);
      scratch[i] = c;
    }
    return this.#idOf(scratch, 0, len, hashBytes(scratch, 0, len), key);
  }

  /** The keys as bytes and their counts, for postMessage; `addSnapshot` adds one in. */
  snapshot(): KeySnapshot {
    const size = this.#size;
    const { stride, width } = this;
    const starts = new Int32Array(size + 1);
    const counts = new Float64Array(size * stride);
    for (let id = 0; id < size; id++) {
      const o = id * width;
      for (let k = 0; k < stride; k++) counts[id * stride + k] = this.values[o + k] as number;
      starts[id] = this.values[o + width - 3] as number;
    }
    starts[size] = this.#arenaUsed;
    const wide: [number, string][] = [];
    if (this.#wide !== undefined) for (const [key, id] of this.#wide) wide.push([id, key]);
    return { bytes: this.#arena.subarray(0, this.#arenaUsed).slice(), starts, values: counts, wide };
  }

  /**
   * Adds a snapshot's counts key by key (same stride), hashing its keys from their bytes. Keys
   * that find the table full go to `overflow` with their counts.
   */
  addSnapshot(s: KeySnapshot, overflow?: (key: string, counts: Float64Array) => void): void {
    const bytes = Buffer.from(s.bytes.buffer, s.bytes.byteOffset, s.bytes.length);
    const wide = new Map(s.wide);
    const { stride, width } = this;
    const n = s.starts.length - 1;
    for (let i = 0; i < n; i++) {
      const w = wide.get(i);
      const id = w === undefined ? this.idOfBytes(bytes, s.starts[i] as number, s.starts[i + 1] as number) : this.idOfString(w);
      if (id === -1) {
        const key = w ?? bytes.toString('latin1', s.starts[i] as number, s.starts[i + 1] as number);
        overflow?.(key, s.values.subarray(i * stride, i * stride + stride));
        continue;
      }
      const values = this.values;
      for (let k = 0; k < stride; k++) values[id * width + k] = (values[id * width + k] as number) + (s.values[i * stride + k] as number);
    }
  }

  #wideId(key: string): number {
    this.#wide ??= new Map();
    let id = this.#wide.get(key);
    if (id === undefined) {
      if (this.#size >= this.#limit) return -1;
      id = this.#newId(0, new Uint8Array(0), 0, 0, own(key));
      this.#wide.set(key, id);
    }
    return id;
  }

  #insert(slot: number, hash: number, bytes: Uint8Array, start: number, end: number, key: string | undefined): number {
    if (this.#size >= this.#limit) return -1;
    const id = this.#newId(hash, bytes, start, end, key);
    this.#slots[2 * slot] = hash;
    this.#slots[2 * slot + 1] = id + 1;
    if (this.#size * 2 > this.#mask) this.#rehash();
    return id;
  }

  #newId(hash: number, bytes: Uint8Array, start: number, end: number, key: string | undefined): number {
    const id = this.#size++;
    this.#keys.push(key);
    const width = this.width;
    if ((id + 1) * width > this.values.length) this.values = grow(this.values, this.values.length * 2);
    const from = this.#arenaUsed;
    const to = from + (end - start);
    if (to > this.#arena.length) this.#arena = grow(this.#arena, Math.max(this.#arena.length * 2, to));
    // Keys are short: a loop beats making a subarray view per new key to pass to `set`.
    const arena = this.#arena;
    for (let i = start; i < end; i++) arena[from + i - start] = bytes[i] as number;
    this.#arenaUsed = to;
    const o = id * width + width - 3;
    this.values[o] = from;
    this.values[o + 1] = end - start;
    this.values[o + 2] = hash;
    return id;
  }

  #rehash(): void {
    const size = (this.#mask + 1) * 2;
    const slots = new Int32Array(2 * size);
    const mask = size - 1;
    const wide = this.#wide;
    const width = this.width;
    for (let id = 0; id < this.#size; id++) {
      if (wide !== undefined && wide.get(this.#keys[id] as string) === id) continue;
      const hash = this.values[id * width + width - 1] as number;
      let slot = hash & mask;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = hash;
      slots[2 * slot + 1] = id + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}

/** A key table as plain data: key `i` is `bytes[starts[i], starts[i + 1])`, or in `wide`. */
export interface KeySnapshot {
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
  /** `stride` counts per key. */
  readonly values: Float64Array;
  readonly wide: readonly (readonly [number, string])[];
}

function grow<T extends Buffer | Float64Array>(from: T, length: number): T {
  const to = (from instanceof Buffer ? Buffer.alloc(length) : new Float64Array(length)) as T;
  to.set(from);
  return to;
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
