/**
 * Reads the parts of a WebAssembly binary the host checks before running it (types, imports with
 * their signatures, exports, memory limits) and caps the module's memory by rewriting its memory
 * section's maximum. Written here rather than taken from a library: WebAssembly.Module.imports()
 * gives no signatures and the JS API cannot bound a memory the module defines itself, and both
 * need only the section framing of the binary format (WebAssembly Core Specification §5.5).
 */

export interface FunctionType {
  readonly params: string[];
  readonly results: string[];
}

export type ImportKind = 'function' | 'table' | 'memory' | 'global' | 'tag';

export interface ModuleImport {
  readonly module: string;
  readonly name: string;
  readonly kind: ImportKind;
  /** Functions only. */
  readonly type?: FunctionType;
  /** Memories only, in 64 KiB pages. */
  readonly limits?: { readonly min: number; readonly max: number | undefined };
}

export interface ModuleShape {
  readonly imports: ModuleImport[];
  readonly exports: Map<string, string>;
  /** The module's own memory, when it defines one, in pages. */
  readonly memory: { readonly min: number; readonly max: number | undefined; readonly sectionStart: number; readonly end: number } | undefined;
}

const VALUE_TYPES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };
const EXPORT_KINDS = ['function', 'table', 'memory', 'global', 'tag'] as const;

export class BinaryError extends Error {}

class Reader {
  at: number;
  constructor(
    readonly bytes: Uint8Array,
    at = 0,
  ) {
    this.at = at;
  }
  byte(): number {
    if (this.at >= this.bytes.length) throw new BinaryError('unexpected end of the module');
    return this.bytes[this.at++] as number;
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new BinaryError('malformed LEB128 integer');
    }
  }
  name(): string {
    const len = this.u32();
    if (this.at + len > this.bytes.length) throw new BinaryError('unexpected end of the module');
    const s = Buffer.from(this.bytes.buffer, this.bytes.byteOffset + this.at, len).toString('utf8');
    this.at += len;
    return s;
  }
  limits(): { min: number; max: number | undefined } {
    const flags = this.byte();
    const min = this.u32();
    return { min, max: (flags & 1) === 1 ? this.u32() : undefined };
  }
}

/** Throws BinaryError when `bytes` is not a WebAssembly module this reader can follow. */
export function readModuleShape(bytes: Uint8Array): ModuleShape {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new BinaryError('not a WebAssembly module (no \\0asm magic)');
  const r = new Reader(bytes, 8);
  const types: FunctionType[] = [];
  const imports: ModuleImport[] = [];
  const exports = new Map<string, string>();
  let memory: ModuleShape['memory'];
  while (r.at < bytes.length) {
    const sectionStart = r.at;
    const id = r.byte();
    const size = r.u32();
    const start = r.at;
    const end = start + size;
    if (end > bytes.length) throw new BinaryError('a section runs past the end of the module');
    if (id === 1) {
      for (let n = r.u32(); n > 0; n--) {
        if (r.byte() !== 0x60) throw new BinaryError('malformed function type');
        const params = Array.from({ length: r.u32() }, () => VALUE_TYPES[r.byte()] ?? '?');
        const results = Array.from({ length: r.u32() }, () => VALUE_TYPES[r.byte()] ?? '?');
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = r.u32(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind === 0) {
          const type = types[r.u32()];
          imports.push(type === undefined ? { module, name, kind: 'function' } : { module, name, kind: 'function', type });
        } else if (kind === 1) {
          r.byte();
          r.limits();
          imports.push({ module, name, kind: 'table' });
        } else if (kind === 2) {
          imports.push({ module, name, kind: 'memory', limits: r.limits() });
        } else if (kind === 3) {
          r.byte();
          r.byte();
          imports.push({ module, name, kind: 'global' });
        } else {
          throw new BinaryError(`import ${module}.${name} has a kind this host does not know (${kind})`);
        }
      }
    } else if (id === 5) {
      if (r.u32() > 0) memory = { ...r.limits(), sectionStart, end };
    } else if (id === 7) {
      for (let n = r.u32(); n > 0; n--) {
        const name = r.name();
        const kind = r.byte();
        r.u32();
        exports.set(name, EXPORT_KINDS[kind] ?? 'unknown');
      }
    }
    r.at = end;
  }
  return { imports, exports, memory };
}

function leb(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) b |= 0x80;
    out.push(b);
  } while (value !== 0);
  return out;
}

/**
 * The module with its own memory's maximum set to at most `maxPages` (a grow past it then fails
 * inside the module, returning -1, as memory.grow does at any limit).
 */
export function capMemory(bytes: Uint8Array, shape: ModuleShape, maxPages: number): Uint8Array {
  const memory = shape.memory;
  if (memory === undefined) return bytes;
  const max = memory.max === undefined ? maxPages : Math.min(memory.max, maxPages);
  const headerStart = memory.sectionStart;
  const content = [...leb(1), 0x01, ...leb(memory.min), ...leb(max)];
  const section = [5, ...leb(content.length), ...content];
  const out = new Uint8Array(headerStart + section.length + (bytes.length - memory.end));
  out.set(bytes.subarray(0, headerStart), 0);
  out.set(section, headerStart);
  out.set(bytes.subarray(memory.end), headerStart + section.length);
  return out;
}
