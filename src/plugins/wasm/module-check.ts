/**
 * What a module must be to load, checked when the config loads: WebAssembly, an ABI marker
 * export, only imports the host provides (by module, name and signature), a memory that fits
 * `maxMemory`, and an allocator the host can return data through. Each failure is one sentence
 * naming the file and the offending export or import.
 */
import { ABI_MARKERS, IMPORT_MODULES } from './abi.js';
import { BinaryError, readModuleShape, type FunctionType, type ModuleShape } from './wasm-binary.js';
import { PAGE, wasm } from './wasm-api.js';

export type ModuleCheck = { readonly ok: true; readonly shape: ModuleShape } | { readonly ok: false; readonly message: string };

export function checkModule(file: string, bytes: Uint8Array, maxMemory: number): ModuleCheck {
  let shape: ModuleShape;
  try {
    shape = readModuleShape(bytes);
    new wasm.Module(bytes);
  } catch (err) {
    if (err instanceof BinaryError || (err as Error).name === 'CompileError') return { ok: false, message: `${file} is not a WebAssembly module: ${(err as Error).message}` };
    throw err;
  }
  if (!ABI_MARKERS.some((m) => shape.exports.get(m) === 'function')) {
    const other = [...shape.exports.keys()].find((name) => name.startsWith('proxy_abi_version_'));
    return { ok: false, message: `${file} exports no proxy-wasm ABI marker (${ABI_MARKERS.join(' or ')})${other === undefined ? '' : `; it was built for ${other}, which this host does not run`}` };
  }
  for (const imp of shape.imports) {
    const where = `${imp.module}.${imp.name}`;
    if (imp.kind === 'memory' && where === 'env.memory') continue;
    const expected = imp.kind === 'function' ? IMPORT_MODULES.get(imp.module)?.get(imp.name) : undefined;
    if (expected === undefined) return { ok: false, message: `${file} imports ${imp.kind} ${where}, which is not a proxy-wasm 0.2.1 host function or WASI function this host provides` };
    const type = imp.type as FunctionType;
    if (signature(type) !== signature(expected)) return { ok: false, message: `${file} imports ${where} as ${signature(type)}, but the ABI defines it as ${signature(expected)}` };
  }
  const memory = shape.memory ?? shape.imports.find((i) => i.kind === 'memory')?.limits;
  if (memory === undefined || (shape.memory !== undefined && shape.exports.get('memory') !== 'memory')) return { ok: false, message: `${file} exports no memory named 'memory'` };
  if (memory.min * PAGE > maxMemory) return { ok: false, message: `${file} starts with ${memory.min * PAGE} bytes of memory, more than maxMemory (${maxMemory})` };
  if (shape.exports.get('proxy_on_memory_allocate') !== 'function' && shape.exports.get('malloc') !== 'function') {
    return { ok: false, message: `${file} exports neither proxy_on_memory_allocate nor malloc, through which the host returns data` };
  }
  return { ok: true, shape };
}

function signature(type: { readonly params: readonly string[]; readonly results: readonly string[] }): string {
  return `(${type.params.join(', ')}) -> (${type.results.join(', ')})`;
}
