/**
 * Request counts per IPv4 client, keyed by the address as a 32-bit number (ipv4-key.ts), in an
 * open-addressing table of two typed arrays. Most clients of an access log are IPv4; a
 * `Map<number, {n}>` cost a hash lookup plus a boxed counter per line, this costs a multiply and
 * a probe or two in flat memory.
 */
export class Ipv4Table {
  /** Slot -> address; a slot is in use when its count is above 0. */
  #keys = new Uint32Array(1024);
  #counts = new Float64Array(1024);
  #mask = 1023;
  /** 32 - log2(slots): the multiply's top bits pick the slot. */
  #shift = 22;
  size = 0;

  add(address: number, by: number): void {
    const keys = this.#keys;
    const counts = this.#counts;
    const mask = this.#mask;
    // Fibonacci hashing (Knuth, TAOCP 6.4): the top bits of the product mix every address bit,
    // where addresses of one subnet differ in their low bits only.
    for (let slot = Math.imul(address, 0x9e3779b1) >>> this.#shift; ; slot = (slot + 1) & mask) {
      const c = counts[slot] as number;
      if (c === 0) {
        keys[slot] = address;
        counts[slot] = by;
        if (++this.size * 2 > mask) this.#rehash();
        return;
      }
      if (keys[slot] === address) {
        counts[slot] = c + by;
        return;
      }
    }
  }

  /** Makes room for `more` addresses so that adding them does not grow the table step by step. */
  reserve(more: number): void {
    while ((this.size + more) * 2 > this.#mask) this.#rehash();
  }

  /** Every address with its count, in no particular order. */
  *entries(): Generator<[address: number, count: number]> {
    const keys = this.#keys;
    const counts = this.#counts;
    for (let slot = 0; slot < counts.length; slot++) {
      const c = counts[slot] as number;
      if (c > 0) yield [keys[slot] as number, c];
    }
  }

  /** The table as two dense arrays, to post to another thread. */
  toArrays(): { readonly keys: Uint32Array; readonly values: Float64Array } {
    const keys = new Uint32Array(this.size);
    const values = new Float64Array(this.size);
    let i = 0;
    for (const [k, c] of this.entries()) {
      keys[i] = k;
      values[i++] = c;
    }
    return { keys, values };
  }

  #rehash(): void {
    const oldKeys = this.#keys;
    const oldCounts = this.#counts;
    const size = oldCounts.length * 2;
    this.#keys = new Uint32Array(size);
    this.#counts = new Float64Array(size);
    this.#mask = size - 1;
    this.#shift--;
    this.size = 0;
    for (let slot = 0; slot < oldCounts.length; slot++) {
      const c = oldCounts[slot] as number;
      if (c > 0) this.add(oldKeys[slot] as number, c);
    }
  }
}
