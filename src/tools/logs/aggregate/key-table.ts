/**
 * Counts per distinct key (path, client) in an open-addressing hash table written by hand instead
 * of a `Map<string, ...>`: a key is hashed and compared straight from the bytes of the log line,
 * so a line whose key was seen before creates no string at all, and a key becomes a string once,
 * when it is first seen. With a Map every line paid for slicing a string, hashing it (V8 caches
 * a hash only per string object, and every line's slice is a new one) and a pointer-chasing
 * lookup; on a 1M-line combined log that was the largest item of the profile.
 *
 * Keys are latin1 (one byte per character, see scan/line-splitter.ts), so the same FNV-1a hash
 * serves a key given as bytes and one given as a string. Keys are numbered densely in order of
 * arrival; `values` holds `stride` numbers per key at `id * stride`. A key's string is made when
 * asked for (`key`): a worker thread never makes one, it posts its keys as bytes (`snapshot`).
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export class KeyTable {
  readonly stride: number;
  /** Keys by id, as far as made yet. */
  readonly #keys: (string | undefined)[] = [];
  #size = 0;
  /** `stride` numbers per key; replaced when it grows, so read it after getting an id. */
  values: Float64Array;
  /** Slot -> id + 1 (0: empty). Kept at most half full. */
  #slots = new Int32Array(1024);
  #mask = 1023;
  #hashes = new Int32Array(512);
  /** Key bytes back to back; key `id` spans #starts[id] .. #starts[id + 1]. */
  #arena = Buffer.alloc(16384);
  #starts = new Int32Array(513);
  /**
   * Keys with characters past latin1 (a JSON log can write `\u20ac`): they have no byte form,
   * so they get a Map; no key arriving as bytes can equal one of them.
   */
  #wide: Map<string, number> | undefined;

  constructor(stride: number) {
    this.stride = stride;
    this.values = new Float64Array(512 * stride);
  }

  get size(): number {
    return this.#size;
  }

  /** The key of an id, as a string. */
  key(id: number): string {
    let key = this.#keys[id];
    if (key === undefined) this.#keys[id] = key = this.#arena.toString('latin1', this.#starts[id], this.#starts[id + 1]);
    return key;
  }

  /** The keys as bytes and their values, for postMessage; `addSnapshot` adds one in. */
  snapshot(): KeySnapshot {
    const size = this.#size;
    const wide: [number, string][] = [];
    if (this.#wide !== undefined) for (const [key, id] of this.#wide) wide.push([id, key]);
    return {
      bytes: this.#arena.subarray(0, this.#starts[size]).slice(),
      starts: this.#starts.slice(0, size + 1),
      values: this.values.slice(0, size * this.stride),
      wide,
    };
  }

  /** Adds a snapshot's values key by key (same stride), hashing its keys from their bytes. */
  addSnapshot(s: KeySnapshot): void {
    const bytes = Buffer.from(s.bytes.buffer, s.bytes.byteOffset, s.bytes.length);
    const wide = new Map(s.wide);
    const stride = this.stride;
    const n = s.starts.length - 1;
    for (let i = 0; i < n; i++) {
      const w = wide.get(i);
      const id = w === undefined ? this.idOfBytes(bytes, s.starts[i] as number, s.starts[i + 1] as number) : this.idOfString(w);
      const values = this.values;
      for (let k = 0; k < stride; k++) values[id * stride + k] = (values[id * stride + k] as number) + (s.values[i * stride + k] as number);
    }
  }

  /** The id of the key in `buf[start, end)`, added (value 0) if new. */
  idOfBytes(buf: Buffer, start: number, end: number): number {
    let h = FNV_OFFSET;
    for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), FNV_PRIME);
    const len = end - start;
    const slots = this.#slots;
    const mask = this.#mask;
    const arena = this.#arena;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] as number;
      if (entry === 0) return this.#insert(slot, h, buf, start, end, undefined);
      const id = entry - 1;
      if (this.#hashes[id] !== h) continue;
      const from = this.#starts[id] as number;
      if ((this.#starts[id + 1] as number) - from !== len) continue;
      let i = 0;
      while (i < len && arena[from + i] === buf[start + i]) i++;
      if (i === len) return id;
    }
  }

  /** The id of a key given as a string, added (value 0) if new. */
  idOfString(key: string): number {
    let h = FNV_OFFSET;
    const len = key.length;
    for (let i = 0; i < len; i++) {
      const c = key.charCodeAt(i);
      if (c > 255) return this.#wideId(key);
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    const slots = this.#slots;
    const mask = this.#mask;
    const arena = this.#arena;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] as number;
      if (entry === 0) return this.#insert(slot, h, Buffer.from(key, 'latin1'), 0, len, own(key));
      const id = entry - 1;
      if (this.#hashes[id] !== h) continue;
      const from = this.#starts[id] as number;
      if ((this.#starts[id + 1] as number) - from !== len) continue;
      let i = 0;
      while (i < len && arena[from + i] === key.charCodeAt(i)) i++;
      if (i === len) return id;
    }
  }

  #wideId(key: string): number {
    this.#wide ??= new Map();
    let id = this.#wide.get(key);
    if (id === undefined) {
      id = this.#newId(0, new Uint8Array(0), 0, 0, own(key));
      this.#wide.set(key, id);
    }
    return id;
  }

  #insert(slot: number, hash: number, bytes: Uint8Array, start: number, end: number, key: string | undefined): number {
    const id = this.#newId(hash, bytes, start, end, key);
    this.#slots[slot] = id + 1;
    if (this.#size * 2 > this.#mask) this.#rehash();
    return id;
  }

  #newId(hash: number, bytes: Uint8Array, start: number, end: number, key: string | undefined): number {
    const id = this.#size++;
    this.#keys.push(key);
    if (id + 1 >= this.#hashes.length) {
      this.#hashes = grow(this.#hashes, this.#hashes.length * 2);
      this.#starts = grow(this.#starts, this.#hashes.length + 1);
    }
    if ((id + 1) * this.stride > this.values.length) this.values = grow(this.values, this.values.length * 2);
    const from = this.#starts[id] as number;
    const to = from + (end - start);
    if (to > this.#arena.length) this.#arena = grow(this.#arena, Math.max(this.#arena.length * 2, to));
    this.#arena.set(bytes.subarray(start, end), from);
    this.#hashes[id] = hash;
    this.#starts[id + 1] = to;
    return id;
  }

  #rehash(): void {
    const size = (this.#mask + 1) * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    const wide = this.#wide;
    for (let id = 0; id < this.#size; id++) {
      if (wide !== undefined && wide.get(this.#keys[id] as string) === id) continue;
      let slot = (this.#hashes[id] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}

/** A key table as plain data: key `i` is `bytes[starts[i], starts[i + 1])`, or in `wide`. */
export interface KeySnapshot {
  readonly bytes: Uint8Array;
  readonly starts: Int32Array;
  readonly values: Float64Array;
  readonly wide: readonly (readonly [number, string])[];
}

function grow<T extends Int32Array | Buffer | Float64Array>(from: T, length: number): T {
  const to = (from instanceof Buffer ? Buffer.alloc(length) : new (from.constructor as new (n: number) => T)(length)) as T;
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
