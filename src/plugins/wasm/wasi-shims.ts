/**
 * The `wasi_snapshot_preview1` functions the proxy-wasm SDKs' runtimes import (Rust's wasm32-wasi
 * std, TinyGo's wasi target), as the ABI 0.2.1 specification gives them to hosts: output to the
 * log by line (stdout at info, stderr at error), clocks, randomness, an empty environment and
 * argument list, and no files. `proc_exit` stops the callback as a trap would.
 */
import { randomFillSync } from 'node:crypto';
import { Errno } from './abi.js';
import type { GuestMemory } from './guest-memory.js';

/** Thrown by proc_exit: the module asked to stop, which a filter must not. */
export class ModuleExit extends Error {}

/** `memory` is asked for on each call: the module's memory is set once it is instantiated. */
export function wasiImports(memory: () => GuestMemory, log: (level: number, message: string) => void): Record<string, unknown> {
  const E = Errno;
  /** What was written to stdout (1) and stderr (2) after their last newline. */
  const partial = ['', '', ''];
  return {
    fd_write: (fd: number, iovs: number, count: number, writtenPtr: number) => {
      if (fd !== 1 && fd !== 2) return E.Badf;
      const mem = memory();
      let text = '';
      let written = 0;
      for (let i = 0; i < count; i++) {
        const vec = mem.bytes(iovs + i * 8, 8);
        if (vec === undefined) return E.Fault;
        const data = mem.bytes(vec.readUInt32LE(0), vec.readUInt32LE(4));
        if (data === undefined) return E.Fault;
        text += data.toString('utf8');
        written += data.length;
      }
      const lines = (partial[fd] + text).split('\n');
      partial[fd] = lines.pop() ?? '';
      for (const line of lines) log(fd === 1 ? 2 : 4, line);
      return mem.writeU32(writtenPtr, written) ? E.Success : E.Fault;
    },
    fd_read: () => E.Badf,
    fd_close: () => E.Badf,
    fd_seek: () => E.Badf,
    fd_fdstat_get: () => E.Badf,
    fd_prestat_get: () => E.Badf,
    fd_prestat_dir_name: () => E.Badf,
    clock_time_get: (clock: number, _precision: bigint, ptr: number) => {
      if (clock !== 0 && clock !== 1) return E.Notsup;
      const now = clock === 0 ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
      return memory().writeU64(ptr, now) ? E.Success : E.Fault;
    },
    random_get: (ptr: number, len: number) => {
      if (len >>> 0 > 65536) return E.Inval;
      const target = memory().bytes(ptr, len);
      if (target === undefined) return E.Fault;
      randomFillSync(target);
      return E.Success;
    },
    // No environment and no arguments: a plugin is configured through proxy_on_configure.
    environ_sizes_get: (countPtr: number, sizePtr: number) => (memory().writeU32(countPtr, 0) && memory().writeU32(sizePtr, 0) ? E.Success : E.Fault),
    environ_get: () => E.Success,
    args_sizes_get: (countPtr: number, sizePtr: number) => (memory().writeU32(countPtr, 0) && memory().writeU32(sizePtr, 0) ? E.Success : E.Fault),
    args_get: () => E.Success,
    proc_exit: (code: number) => {
      throw new ModuleExit(`the module called proc_exit(${code})`);
    },
    sched_yield: () => E.Success,
  };
}
