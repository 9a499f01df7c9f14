/**
 * A module's linear memory as the host functions read and write it: every access is bounds-checked
 * (a pointer the module passes may be anything) and goes through the memory's current buffer,
 * which a grow replaces.
 */
import type { WasmMemory } from './wasm-api.js';

export class GuestMemory {
  readonly #memory: WasmMemory;

  constructor(memory: WasmMemory) {
    this.#memory = memory;
  }

  /** A view of `len` bytes at `ptr`, or undefined when they are not all inside the memory. */
  bytes(ptr: number, len: number): Buffer | undefined {
    const buffer = this.#memory.buffer;
    ptr >>>= 0;
    len >>>= 0;
    if (ptr + len > buffer.byteLength) return undefined;
    return Buffer.from(buffer, ptr, len);
  }

  string(ptr: number, len: number): string | undefined {
    return this.bytes(ptr, len)?.toString('utf8');
  }

  writeU32(ptr: number, value: number): boolean {
    const view = this.bytes(ptr, 4);
    if (view === undefined) return false;
    view.writeUInt32LE(value >>> 0, 0);
    return true;
  }

  writeU64(ptr: number, value: bigint): boolean {
    const view = this.bytes(ptr, 8);
    if (view === undefined) return false;
    view.writeBigUInt64LE(BigInt.asUintN(64, value), 0);
    return true;
  }
}
