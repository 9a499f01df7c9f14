/**
 * Request counts per IPv4 client, keyed by the address as a 32-bit number (ipv4-key.ts), in an
 * open-addressing table. Most clients of an access log are IPv4; a `Map<number, {n}>` cost a
 * hash lookup plus a boxed counter per line, this costs a multiply and usually one cache line:
 * a slot holds its address and its count side by side. Slots are two 32-bit numbers, not two
 * doubles: with 60k clients the table is 1 MB instead of 2, which the path table's traffic
 * evicts from the caches less. A count past 32 bits keeps its whole multiples of 2^31 in `#high`.
 */
const LOW = 2 ** 31;
export class Ipv4Table {
  /** Slot i: address at 2i, count at 2i + 1; a slot is in use when its count is above 0. */
  #slots = new Uint32Array(2048);
  /** The part of a count above what its slot holds, by address; made on first use. */
  #high: Map<number, number> | undefined;
  #mask = 1023;
  /** 32 - log2(slots): the multiply's top bits pick the slot. */
  #shift = 22;
  size = 0;
  /** Most addresses the table takes; `add` of a new one past it returns false. */
  readonly #limit: number;

  constructor(limit = Infinity) {
    this.#limit = limit;
  }

  /** Counts `by` for the address; false (nothing counted) when it is new and the table is full. */
  add(address: number, by: number): boolean {
    const slots = this.#slots;
    const mask = this.#mask;
    // Fibonacci hashing (Knuth, TAOCP 6.4): the top bits of the product mix every address bit,
    // where addresses of one subnet differ in their low bits only.
    for (let slot = Math.imul(address, 0x9e3779b1) >>> this.#shift; ; slot = (slot + 1) & mask) {
      const c = slots[2 * slot + 1] as number;
      if (c === 0) {
        if (this.size >= this.#limit) return false;
        slots[2 * slot] = address;
        slots[2 * slot + 1] = this.#low(address, by);
        if (++this.size * 2 > mask) this.#rehash();
        return true;
      }
      if (slots[2 * slot] === address) {
        const n = c + by;
        slots[2 * slot + 1] = n <= 0xffffffff ? n : this.#low(address, n);
        return true;
      }
    }
  }

  /** What a slot keeps of count `n` (1 to 2^31); the rest goes to `#high`. */
  #low(address: number, n: number): number {
    if (n <= 0xffffffff) return n;
    const low = ((n - 1) % LOW) + 1;
    this.#high ??= new Map();
    this.#high.set(address, (this.#high.get(address) ?? 0) + n - low);
    return low;
  }

  /** Every address with its count, in no particular order. */
  *entries(): Generator<[address: number, count: number]> {
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i += 2) {
      const c = slots[i + 1] as number;
      if (c > 0) yield [slots[i] as number, c + (this.#high?.get(slots[i] as number) ?? 0)];
    }
  }

  /**
   * The table as two dense arrays, to post to another thread or to rank. A plain loop over the
   * slots, not `entries`: it runs once per report, before the JIT has seen it, and a generator
   * step per address cost ~10 ms for 60k addresses there.
   */
  toArrays(): { readonly keys: Uint32Array; readonly values: Float64Array } {
    const keys = new Uint32Array(this.size);
    const values = new Float64Array(this.size);
    const slots = this.#slots;
    const high = this.#high;
    let i = 0;
    for (let s = 0; s < slots.length; s += 2) {
      const c = slots[s + 1] as number;
      if (c === 0) continue;
      const address = slots[s] as number;
      keys[i] = address;
      values[i++] = high === undefined ? c : c + (high.get(address) ?? 0);
    }
    return { keys, values };
  }

  #rehash(): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(old.length * 2);
    this.#mask = old.length - 1;
    this.#shift--;
    // Inline rather than through `add`: this runs a few times per scan, so it is cold code, and
    // a call per address from the interpreter cost ~30 ms for 60k addresses. `size` stays.
    const slots = this.#slots;
    const mask = this.#mask;
    const shift = this.#shift;
    for (let i = 0; i < old.length; i += 2) {
      const c = old[i + 1] as number;
      if (c === 0) continue;
      const address = old[i] as number;
      let slot = Math.imul(address, 0x9e3779b1) >>> shift;
      while (slots[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      slots[2 * slot] = address;
      slots[2 * slot + 1] = c;
    }
  }
}
