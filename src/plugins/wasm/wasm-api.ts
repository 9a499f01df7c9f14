/**
 * The few members of the WebAssembly JS API the host uses, typed here: the project's TypeScript
 * setup (lib ES2023, node types) declares no WebAssembly namespace, and a global declaration of
 * our own could clash with one added later.
 */

export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  validate(bytes: Uint8Array): boolean;
}

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** 64 KiB, the size of a WebAssembly page. */
export const PAGE = 65536;
