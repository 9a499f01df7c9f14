/**
 * One plugin's proxy-wasm VM, run on the plugin's own thread: instantiates the module with every
 * host function of the ABI (those this host has no use for answer UNIMPLEMENTED), drives the
 * context lifecycle and keeps each context's headers, buffers and properties while it lives. A
 * callback that traps leaves the instance in no known state: it is replaced by a fresh one, with
 * the plugin's shared data and metric definitions kept, as Envoy keeps them outside the VM.
 */
import { Action, BufferType, MapType, MetricType, StreamType, WasmResult, assertHostFunctions } from './abi.js';
import { GuestMemory } from './guest-memory.js';
import { int64, lookup, lowerNames, remove } from './header-map.js';
import { requestProperty } from './request-properties.js';
import { ModuleExit, wasiImports } from './wasi-shims.js';
import type { Call, Effect, Failure, HttpCallOut, LogLine, MetricOp, Outcome, RequestFacts, VmInit } from './messages.js';
import { parsePairs, serializePairs } from './pairs.js';
import { capMemory, readModuleShape } from './wasm-binary.js';
import { wasm, type WasmInstance, type WasmMemory } from './wasm-api.js';

interface HttpContext {
  readonly id: number;
  /** By MapType (request/response headers and trailers), flat [name, value, ...], names lowercased. */
  readonly maps: Map<number, string[]>;
  readonly changed: Set<number>;
  readonly facts: RequestFacts;
  readonly createdAt: number;
  /** Set with proxy_set_property. */
  readonly props: Record<string, string>;
  request: Buffer;
  response: Buffer;
  /** proxy_on_done answered false: waiting for proxy_done. */
  doneWaiting: boolean;
}

interface CallResponse {
  headers: string[];
  body: Buffer;
  trailers: string[];
}

interface Metric {
  readonly id: number;
  readonly type: number;
  value: number;
}


const EMPTY = Buffer.alloc(0);

export class VmHost {
  readonly #init: VmInit;
  readonly #module: object;
  readonly #importedMemory: { min: number; max: number | undefined } | undefined;
  #instance!: WasmInstance;
  #mem!: GuestMemory;
  #contexts = new Map<number, HttpContext>();
  /** Context the host functions act on (the caller's, or one set by proxy_set_effective_context). */
  #effective = 0;
  #callResponse: CallResponse | undefined;
  #nextToken = 1;
  readonly #shared = new Map<string, { value: Buffer; cas: number }>();
  #casCounter = 0;
  readonly #queues = new Map<string, number>();
  readonly #queueItems = new Map<number, Buffer[]>();
  #queueReady: number[] = [];
  readonly #metricsByName = new Map<string, Metric>();
  readonly #metrics = new Map<number, Metric>();
  // What the current callback did, reported in its outcome.
  #effects: Effect[] = [];
  #logs: LogLine[] = [];
  #metricOps: MetricOp[] = [];
  #calls: HttpCallOut[] = [];
  #tickPeriod: number | undefined;

  constructor(init: VmInit) {
    this.#init = init;
    const shape = readModuleShape(init.bytes);
    this.#module = new wasm.Module(capMemory(init.bytes, shape, init.maxPages));
    const imported = shape.imports.find((i) => i.kind === 'memory');
    this.#importedMemory = imported?.limits;
  }

  /** Instantiates and starts the plugin; throws with the reason when it does not start. */
  start(): void {
    this.#contexts = new Map();
    this.#effective = this.#init.rootContextId;
    const imports: Record<string, Record<string, unknown>> = {
      env: this.#proxyImports(),
      wasi_snapshot_preview1: assertHostFunctions('wasi_snapshot_preview1', wasiImports(() => this.#mem, (level, message) => this.#logs.push({ level, message }))),
    };
    if (this.#importedMemory !== undefined) {
      const { min, max } = this.#importedMemory;
      const memory = new wasm.Memory({ initial: min, maximum: Math.min(max ?? this.#init.maxPages, this.#init.maxPages) });
      imports['env'] = { ...imports['env'], memory };
    }
    this.#instance = new wasm.Instance(this.#module, imports);
    const memory = (this.#instance.exports['memory'] ?? (imports['env'] as Record<string, unknown>)['memory']) as WasmMemory | undefined;
    if (memory === undefined) throw new Error('the module exports no memory');
    this.#mem = new GuestMemory(memory);
    if (this.#exported('_initialize')) this.#invoke('_initialize');
    else if (this.#exported('_start')) this.#invoke('_start');
    const root = this.#init.rootContextId;
    this.#invoke('proxy_on_context_create', root, 0);
    if (this.#exported('proxy_on_vm_start') && !this.#invoke('proxy_on_vm_start', root, this.#init.vmConfig.length)) throw new Error('proxy_on_vm_start returned false');
    if (this.#exported('proxy_on_configure') && !this.#invoke('proxy_on_configure', root, this.#init.pluginConfig.length)) throw new Error('proxy_on_configure returned false (the plugin rejected its configuration)');
  }

  /** Logs and metric operations of start(), taken once. */
  drainStartOutput(): { logs: LogLine[]; metrics: MetricOp[]; tickPeriod: number | undefined } {
    const out = { logs: this.#logs, metrics: this.#metricOps, tickPeriod: this.#tickPeriod };
    this.#reset();
    return out;
  }

  run(call: Call): Outcome | Failure {
    this.#reset();
    try {
      const { action, fields, body } = this.#dispatch(call);
      this.#runQueueReady();
      const outcome: { -readonly [K in keyof Outcome]: Outcome[K] } = { ok: true, action, fields, body, tickPeriod: this.#tickPeriod };
      if (this.#effects.length > 0) outcome.effects = this.#effects;
      if (this.#logs.length > 0) outcome.logs = this.#logs;
      if (this.#metricOps.length > 0) outcome.metrics = this.#metricOps;
      if (this.#calls.length > 0) outcome.calls = this.#calls;
      return outcome;
    } catch (err) {
      if (err instanceof LostContext) return { ok: false, reason: 'lost', message: err.message, logs: this.#logs };
      const logs = this.#logs;
      const message = err instanceof ModuleExit ? err.message : `${(err as Error).name}: ${(err as Error).message}`;
      // The instance is in no known state after a trap: every context on it is gone.
      try {
        this.start();
      } catch (restartErr) {
        return { ok: false, reason: 'trap', message: `${message}; restarting the instance failed: ${(restartErr as Error).message}`, logs };
      }
      const restartLogs = this.drainStartOutput().logs;
      return { ok: false, reason: 'trap', message, logs: [...logs, ...restartLogs] };
    }
  }

  #reset(): void {
    this.#effects = [];
    this.#logs = [];
    this.#metricOps = [];
    this.#calls = [];
    this.#tickPeriod = undefined;
  }

  #dispatch(call: Call): { action: number; fields: string[] | undefined; body: Uint8Array | undefined } {
    const none = { action: Action.Continue, fields: undefined, body: undefined };
    switch (call.kind) {
      case 'request_headers': {
        const ctx: HttpContext = { id: call.ctx, maps: new Map([[MapType.HttpRequestHeaders, call.headers]]), changed: new Set(), facts: call.facts, createdAt: Date.now(), props: {}, request: EMPTY, response: EMPTY, doneWaiting: false };
        this.#contexts.set(call.ctx, ctx);
        this.#effective = ctx.id;
        this.#invoke('proxy_on_context_create', ctx.id, this.#init.rootContextId);
        const action = this.#stream('proxy_on_request_headers', ctx.id, call.headers.length / 2, call.eos ? 1 : 0);
        return { action, fields: this.#takeChanged(ctx, MapType.HttpRequestHeaders), body: undefined };
      }
      case 'response_headers': {
        const ctx = this.#context(call.ctx);
        ctx.maps.set(MapType.HttpResponseHeaders, call.headers);
        const action = this.#stream('proxy_on_response_headers', ctx.id, call.headers.length / 2, call.eos ? 1 : 0);
        return { action, fields: this.#takeChanged(ctx, MapType.HttpResponseHeaders), body: undefined };
      }
      case 'request_trailers':
      case 'response_trailers': {
        const ctx = this.#context(call.ctx);
        const type = call.kind === 'request_trailers' ? MapType.HttpRequestTrailers : MapType.HttpResponseTrailers;
        ctx.maps.set(type, call.trailers);
        const action = this.#stream(call.kind === 'request_trailers' ? 'proxy_on_request_trailers' : 'proxy_on_response_trailers', ctx.id, call.trailers.length / 2);
        return { action, fields: this.#takeChanged(ctx, type), body: undefined };
      }
      case 'request_body':
      case 'response_body': {
        const ctx = this.#context(call.ctx);
        const side = call.kind === 'request_body' ? 'request' : 'response';
        // What was paused before stays buffered: the callback sees it all (spec: body_size grows).
        ctx[side] = ctx[side].length === 0 ? Buffer.from(call.chunk) : Buffer.concat([ctx[side], call.chunk]);
        const action = this.#stream(side === 'request' ? 'proxy_on_request_body' : 'proxy_on_response_body', ctx.id, ctx[side].length, call.eos ? 1 : 0);
        if (action !== Action.Continue || this.#contexts.get(ctx.id) === undefined) return { action, fields: undefined, body: undefined };
        const body = ctx[side];
        ctx[side] = EMPTY;
        return { action, fields: undefined, body };
      }
      case 'finish': {
        const ctx = this.#contexts.get(call.ctx);
        if (ctx === undefined) return none;
        this.#effective = ctx.id;
        if (!this.#exported('proxy_on_done') || this.#invoke('proxy_on_done', ctx.id)) this.#finalize(ctx);
        else ctx.doneWaiting = true;
        return none;
      }
      case 'tick':
        this.#effective = this.#init.rootContextId;
        if (this.#exported('proxy_on_tick')) this.#invoke('proxy_on_tick', this.#init.rootContextId);
        return none;
      case 'http_call_response': {
        this.#effective = this.#init.rootContextId;
        this.#callResponse = { headers: call.headers, body: Buffer.from(call.body), trailers: call.trailers };
        try {
          if (this.#exported('proxy_on_http_call_response')) this.#invoke('proxy_on_http_call_response', this.#init.rootContextId, call.token, call.headers.length / 2, call.body.length, call.trailers.length / 2);
        } finally {
          this.#callResponse = undefined;
        }
        return none;
      }
    }
  }

  #context(id: number): HttpContext {
    const ctx = this.#contexts.get(id);
    if (ctx === undefined) throw new LostContext(`context ${id} is gone: the filter's instance was replaced after a failure`);
    this.#effective = id;
    return ctx;
  }

  #stream(name: string, ...args: number[]): number {
    if (!this.#exported(name)) return Action.Continue;
    return this.#invoke(name, ...args) === Action.Continue ? Action.Continue : Action.Pause;
  }

  #takeChanged(ctx: HttpContext, type: number): string[] | undefined {
    if (!ctx.changed.delete(type)) return undefined;
    return ctx.maps.get(type);
  }

  #finalize(ctx: HttpContext): void {
    this.#effective = ctx.id;
    if (this.#exported('proxy_on_log')) this.#invoke('proxy_on_log', ctx.id);
    if (this.#exported('proxy_on_delete')) this.#invoke('proxy_on_delete', ctx.id);
    this.#contexts.delete(ctx.id);
  }

  #runQueueReady(): void {
    while (this.#queueReady.length > 0) {
      const id = this.#queueReady.shift() as number;
      this.#effective = this.#init.rootContextId;
      if (this.#exported('proxy_on_queue_ready')) this.#invoke('proxy_on_queue_ready', this.#init.rootContextId, id);
    }
  }

  #exported(name: string): boolean {
    return typeof this.#instance.exports[name] === 'function';
  }

  #invoke(name: string, ...args: number[]): number {
    const fn = this.#instance.exports[name];
    if (typeof fn !== 'function') return 0;
    return Number((fn as (...a: number[]) => unknown)(...args) ?? 0);
  }

  // --- memory ---------------------------------------------------------------------------------

  /** Copies `data` into memory the module allocates, and writes its address and size where asked. */
  #give(data: Uint8Array, ptrPtr: number, sizePtr: number): number {
    const allocate = this.#instance.exports['proxy_on_memory_allocate'] ?? this.#instance.exports['malloc'];
    if (typeof allocate !== 'function') return WasmResult.InvalidMemoryAccess;
    const at = Number((allocate as (n: number) => number)(data.length)) >>> 0;
    if (at === 0 && data.length > 0) return WasmResult.InvalidMemoryAccess;
    const target = this.#mem.bytes(at, data.length);
    if (target === undefined) return WasmResult.InvalidMemoryAccess;
    target.set(data);
    return this.#mem.writeU32(ptrPtr, at) && this.#mem.writeU32(sizePtr, data.length) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }

  // --- maps and buffers -----------------------------------------------------------------------

  #map(type: number): string[] | undefined {
    if (type === MapType.HttpCallResponseHeaders) return this.#callResponse?.headers;
    if (type === MapType.HttpCallResponseTrailers) return this.#callResponse?.trailers;
    const ctx = this.#contexts.get(this.#effective);
    if (ctx === undefined || type > MapType.HttpResponseTrailers) return undefined;
    let map = ctx.maps.get(type);
    if (map === undefined) ctx.maps.set(type, (map = []));
    return map;
  }

  #editMap(type: number, edit: (map: string[]) => void): number {
    if (type === MapType.HttpCallResponseHeaders || type === MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
    const map = this.#map(type);
    if (map === undefined) return WasmResult.BadArgument;
    edit(map);
    this.#contexts.get(this.#effective)?.changed.add(type);
    return WasmResult.Ok;
  }

  #buffer(type: number): Buffer | undefined {
    const ctx = this.#contexts.get(this.#effective);
    switch (type) {
      case BufferType.HttpRequestBody:
        return ctx?.request;
      case BufferType.HttpResponseBody:
        return ctx?.response ?? this.#callResponse?.body;
      case BufferType.HttpCallResponseBody:
        return this.#callResponse?.body;
      case BufferType.PluginConfiguration:
        return Buffer.from(this.#init.pluginConfig);
      case BufferType.VmConfiguration:
        return Buffer.from(this.#init.vmConfig);
      default:
        return undefined;
    }
  }

  #property(path: string[]): Uint8Array | undefined {
    const ctx = this.#contexts.get(this.#effective);
    const key = path.join('.');
    switch (key) {
      case 'plugin_name':
        return Buffer.from(this.#init.pluginName);
      case 'plugin_root_id':
        return Buffer.from(this.#init.rootId);
      case 'plugin_vm_id':
        return Buffer.from(this.#init.vmId);
    }
    if (ctx === undefined) return undefined;
    if (path.length === 3 && (path[0] === 'request' || path[0] === 'response') && path[1] === 'headers') {
      const map = ctx.maps.get(path[0] === 'request' ? MapType.HttpRequestHeaders : MapType.HttpResponseHeaders) ?? [];
      const value = lookup(map, (path[2] as string).toLowerCase());
      return value === undefined ? undefined : Buffer.from(value);
    }
    if (key === 'response.code') {
      const status = lookup(ctx.maps.get(MapType.HttpResponseHeaders) ?? [], ':status');
      return status === undefined ? undefined : int64(Number(status));
    }
    const value = requestProperty(ctx.facts, ctx.maps.get(MapType.HttpRequestHeaders) ?? [], ctx.createdAt, key) ?? ctx.props[key];
    if (value === undefined) return undefined;
    // Envoy gives ports as 64-bit integers, the rest as strings.
    return key.endsWith('.port') ? int64(Number(value)) : Buffer.from(value);
  }

  // --- host functions -------------------------------------------------------------------------

  #proxyImports(): Record<string, unknown> {
    const R = WasmResult;
    const unimplemented = () => R.Unimplemented;
    const host: Record<string, (...args: never[]) => number> = {
      proxy_log: (level: number, ptr: number, len: number) => {
        const message = this.#mem.string(ptr, len);
        if (message === undefined) return R.InvalidMemoryAccess;
        if (level < 0 || level > 5) return R.BadArgument;
        this.#logs.push({ level, message });
        return R.Ok;
      },
      proxy_get_log_level: (ptr: number) => (this.#mem.writeU32(ptr, this.#init.logLevel) ? R.Ok : R.InvalidMemoryAccess),
      proxy_get_current_time_nanoseconds: (ptr: number) => (this.#mem.writeU64(ptr, BigInt(Date.now()) * 1_000_000n) ? R.Ok : R.InvalidMemoryAccess),
      proxy_set_tick_period_milliseconds: (period: number) => {
        this.#tickPeriod = period >>> 0;
        return R.Ok;
      },
      proxy_get_buffer_status: (type: number, sizePtr: number, flagsPtr: number) => {
        const buffer = this.#buffer(type);
        if (buffer === undefined) return type > BufferType.ForeignFunctionArguments ? R.BadArgument : R.NotFound;
        return this.#mem.writeU32(sizePtr, buffer.length) && this.#mem.writeU32(flagsPtr, 0) ? R.Ok : R.InvalidMemoryAccess;
      },
      proxy_get_buffer_bytes: (type: number, start: number, max: number, ptrPtr: number, sizePtr: number) => {
        const buffer = this.#buffer(type);
        if (buffer === undefined) return type > BufferType.ForeignFunctionArguments ? R.BadArgument : R.NotFound;
        start >>>= 0;
        if (start > buffer.length) return R.BadArgument;
        return this.#give(buffer.subarray(start, Math.min(buffer.length, start + (max >>> 0))), ptrPtr, sizePtr);
      },
      proxy_set_buffer_bytes: (type: number, start: number, size: number, ptr: number, len: number) => {
        const ctx = this.#contexts.get(this.#effective);
        const side = type === BufferType.HttpRequestBody ? 'request' : type === BufferType.HttpResponseBody ? 'response' : undefined;
        if (side === undefined) return type > BufferType.ForeignFunctionArguments ? R.BadArgument : R.NotFound;
        if (ctx === undefined) return R.NotFound;
        const value = this.#mem.bytes(ptr, len);
        if (value === undefined) return R.InvalidMemoryAccess;
        const current = ctx[side];
        const from = Math.min(start >>> 0, current.length);
        const to = Math.min(from + (size >>> 0), current.length);
        ctx[side] = Buffer.concat([current.subarray(0, from), value, current.subarray(to)]);
        return R.Ok;
      },
      proxy_get_header_map_size: (type: number, sizePtr: number) => {
        const map = this.#map(type);
        if (map === undefined) return R.BadArgument;
        return this.#mem.writeU32(sizePtr, serializePairs(map).length) ? R.Ok : R.InvalidMemoryAccess;
      },
      proxy_get_header_map_pairs: (type: number, ptrPtr: number, sizePtr: number) => {
        const map = this.#map(type);
        if (map === undefined) return R.BadArgument;
        return this.#give(serializePairs(map), ptrPtr, sizePtr);
      },
      proxy_set_header_map_pairs: (type: number, ptr: number, len: number) => {
        const bytes = this.#mem.bytes(ptr, len);
        if (bytes === undefined) return R.InvalidMemoryAccess;
        const pairs = parsePairs(bytes);
        if (pairs === undefined) return R.BadArgument;
        return this.#editMap(type, (map) => map.splice(0, map.length, ...lowerNames(pairs)));
      },
      proxy_get_header_map_value: (type: number, keyPtr: number, keyLen: number, ptrPtr: number, sizePtr: number) => {
        const map = this.#map(type);
        if (map === undefined) return R.BadArgument;
        const key = this.#mem.string(keyPtr, keyLen);
        if (key === undefined) return R.InvalidMemoryAccess;
        const value = lookup(map, key.toLowerCase());
        return value === undefined ? R.NotFound : this.#give(Buffer.from(value), ptrPtr, sizePtr);
      },
      proxy_add_header_map_value: (type: number, keyPtr: number, keyLen: number, valuePtr: number, valueLen: number) => {
        const key = this.#mem.string(keyPtr, keyLen);
        const value = this.#mem.string(valuePtr, valueLen);
        if (key === undefined || value === undefined) return R.InvalidMemoryAccess;
        return this.#editMap(type, (map) => map.push(key.toLowerCase(), value));
      },
      proxy_replace_header_map_value: (type: number, keyPtr: number, keyLen: number, valuePtr: number, valueLen: number) => {
        const key = this.#mem.string(keyPtr, keyLen);
        const value = this.#mem.string(valuePtr, valueLen);
        if (key === undefined || value === undefined) return R.InvalidMemoryAccess;
        return this.#editMap(type, (map) => {
          const name = key.toLowerCase();
          let at = -1;
          for (let i = 0; i < map.length && at === -1; i += 2) if (map[i] === name) at = i;
          remove(map, name);
          // Replaced in place, so the field keeps its position; added at the end when absent.
          if (at === -1) map.push(name, value);
          else map.splice(at, 0, name, value);
        });
      },
      proxy_remove_header_map_value: (type: number, keyPtr: number, keyLen: number) => {
        const key = this.#mem.string(keyPtr, keyLen);
        if (key === undefined) return R.InvalidMemoryAccess;
        return this.#editMap(type, (map) => remove(map, key.toLowerCase()));
      },
      proxy_continue_stream: (stream: number) => this.#continue(stream),
      proxy_continue_request: () => this.#continue(StreamType.HttpRequest),
      proxy_continue_response: () => this.#continue(StreamType.HttpResponse),
      proxy_close_stream: (stream: number) => {
        if (stream > StreamType.Upstream) return R.BadArgument;
        // TCP streams (downstream, upstream data) are not filtered here.
        if (stream > StreamType.HttpResponse) return R.Unimplemented;
        this.#effects.push({ ctx: this.#effective, kind: 'close' });
        return R.Ok;
      },
      proxy_clear_route_cache: () => R.Ok,
      proxy_get_status: (codePtr: number, msgPtr: number, msgSizePtr: number) => {
        const status = this.#callResponse === undefined ? undefined : lookup(this.#callResponse.headers, ':status');
        if (status === undefined) return R.NotFound;
        if (!this.#mem.writeU32(codePtr, Number(status))) return R.InvalidMemoryAccess;
        return this.#give(EMPTY, msgPtr, msgSizePtr);
      },
      proxy_send_local_response: (status: number, detailsPtr: number, detailsLen: number, bodyPtr: number, bodyLen: number, headersPtr: number, headersLen: number) => {
        const details = this.#mem.string(detailsPtr, detailsLen);
        const body = this.#mem.bytes(bodyPtr, bodyLen);
        const headerBytes = this.#mem.bytes(headersPtr, headersLen);
        if (details === undefined || body === undefined || headerBytes === undefined) return R.InvalidMemoryAccess;
        const headers = parsePairs(headerBytes);
        if (headers === undefined || status < 100 || status > 999) return R.BadArgument;
        if (!this.#contexts.has(this.#effective)) return R.NotFound;
        this.#effects.push({ ctx: this.#effective, kind: 'local', response: { status, details, headers: lowerNames(headers), body: Buffer.from(body) } });
        return R.Ok;
      },
      proxy_http_call: (upPtr: number, upLen: number, hPtr: number, hLen: number, bPtr: number, bLen: number, tPtr: number, tLen: number, timeout: number, tokenPtr: number) => {
        const upstream = this.#mem.string(upPtr, upLen);
        const headerBytes = this.#mem.bytes(hPtr, hLen);
        const body = this.#mem.bytes(bPtr, bLen);
        if (upstream === undefined || headerBytes === undefined || body === undefined || this.#mem.bytes(tPtr, tLen) === undefined) return R.InvalidMemoryAccess;
        const headers = parsePairs(headerBytes);
        if (headers === undefined || !this.#init.callUpstreams.includes(upstream)) return R.BadArgument;
        const named = lowerNames(headers);
        if (lookup(named, ':method') === undefined || lookup(named, ':path') === undefined || lookup(named, ':authority') === undefined) return R.BadArgument;
        const token = this.#nextToken++;
        if (!this.#mem.writeU32(tokenPtr, token)) return R.InvalidMemoryAccess;
        this.#calls.push({ token, upstream, headers: named, body: Buffer.from(body), timeout: timeout >>> 0 });
        return R.Ok;
      },
      proxy_grpc_call: unimplemented,
      proxy_grpc_stream: unimplemented,
      proxy_grpc_send: unimplemented,
      proxy_grpc_cancel: unimplemented,
      proxy_grpc_close: unimplemented,
      proxy_set_shared_data: (keyPtr: number, keyLen: number, valuePtr: number, valueLen: number, cas: number) => {
        const key = this.#mem.string(keyPtr, keyLen);
        const value = this.#mem.bytes(valuePtr, valueLen);
        if (key === undefined || value === undefined) return R.InvalidMemoryAccess;
        const current = this.#shared.get(key);
        if (cas >>> 0 !== 0 && current !== undefined && current.cas !== cas >>> 0) return R.CasMismatch;
        this.#shared.set(key, { value: Buffer.from(value), cas: ++this.#casCounter });
        return R.Ok;
      },
      proxy_get_shared_data: (keyPtr: number, keyLen: number, ptrPtr: number, sizePtr: number, casPtr: number) => {
        const key = this.#mem.string(keyPtr, keyLen);
        if (key === undefined) return R.InvalidMemoryAccess;
        const entry = this.#shared.get(key);
        if (entry === undefined) return R.NotFound;
        if (!this.#mem.writeU32(casPtr, entry.cas)) return R.InvalidMemoryAccess;
        return this.#give(entry.value, ptrPtr, sizePtr);
      },
      proxy_register_shared_queue: (namePtr: number, nameLen: number, idPtr: number) => {
        const name = this.#mem.string(namePtr, nameLen);
        if (name === undefined) return R.InvalidMemoryAccess;
        let id = this.#queues.get(name);
        if (id === undefined) {
          id = this.#queues.size + 1;
          this.#queues.set(name, id);
          this.#queueItems.set(id, []);
        }
        return this.#mem.writeU32(idPtr, id) ? R.Ok : R.InvalidMemoryAccess;
      },
      proxy_resolve_shared_queue: (vmPtr: number, vmLen: number, namePtr: number, nameLen: number, idPtr: number) => {
        const name = this.#mem.string(namePtr, nameLen);
        if (name === undefined || this.#mem.string(vmPtr, vmLen) === undefined) return R.InvalidMemoryAccess;
        const id = this.#queues.get(name);
        if (id === undefined) return R.NotFound;
        return this.#mem.writeU32(idPtr, id) ? R.Ok : R.InvalidMemoryAccess;
      },
      proxy_enqueue_shared_queue: (id: number, ptr: number, len: number) => {
        const items = this.#queueItems.get(id);
        if (items === undefined) return R.NotFound;
        const value = this.#mem.bytes(ptr, len);
        if (value === undefined) return R.InvalidMemoryAccess;
        items.push(Buffer.from(value));
        this.#queueReady.push(id);
        return R.Ok;
      },
      proxy_dequeue_shared_queue: (id: number, ptrPtr: number, sizePtr: number) => {
        const items = this.#queueItems.get(id);
        if (items === undefined) return R.NotFound;
        const item = items.shift();
        return item === undefined ? R.Empty : this.#give(item, ptrPtr, sizePtr);
      },
      proxy_define_metric: (type: number, namePtr: number, nameLen: number, idPtr: number) => {
        const name = this.#mem.string(namePtr, nameLen);
        if (name === undefined) return R.InvalidMemoryAccess;
        if (type !== MetricType.Counter && type !== MetricType.Gauge && type !== MetricType.Histogram) return R.BadArgument;
        let metric = this.#metricsByName.get(name);
        if (metric !== undefined && metric.type !== type) return R.BadArgument;
        if (metric === undefined) {
          metric = { id: this.#metrics.size + 1, type, value: 0 };
          this.#metricsByName.set(name, metric);
          this.#metrics.set(metric.id, metric);
          this.#metricOps.push({ op: 'define', id: metric.id, type, name });
        }
        return this.#mem.writeU32(idPtr, metric.id) ? R.Ok : R.InvalidMemoryAccess;
      },
      proxy_record_metric: (id: number, value: bigint) => {
        const metric = this.#metrics.get(id);
        if (metric === undefined) return R.NotFound;
        const v = Number(BigInt.asUintN(64, value));
        if (metric.type === MetricType.Histogram) this.#metricOps.push({ op: 'observe', id, value: v });
        else {
          metric.value = v;
          this.#metricOps.push({ op: 'set', id, value: v });
        }
        return R.Ok;
      },
      proxy_increment_metric: (id: number, delta: bigint) => {
        const metric = this.#metrics.get(id);
        if (metric === undefined) return R.NotFound;
        const d = Number(delta);
        if (metric.type === MetricType.Histogram || (metric.type === MetricType.Counter && d < 0)) return R.BadArgument;
        metric.value += d;
        this.#metricOps.push({ op: 'add', id, value: d });
        return R.Ok;
      },
      proxy_get_metric: (id: number, ptr: number) => {
        const metric = this.#metrics.get(id);
        if (metric === undefined) return R.NotFound;
        if (metric.type === MetricType.Histogram) return R.BadArgument;
        return this.#mem.writeU64(ptr, BigInt(Math.max(0, Math.trunc(metric.value)))) ? R.Ok : R.InvalidMemoryAccess;
      },
      proxy_get_property: (pathPtr: number, pathLen: number, ptrPtr: number, sizePtr: number) => {
        const path = this.#mem.string(pathPtr, pathLen);
        if (path === undefined) return R.InvalidMemoryAccess;
        // The SDKs join path segments with NUL (and may end with one).
        const value = this.#property(path.split('\0').filter((s) => s !== ''));
        return value === undefined ? R.NotFound : this.#give(value, ptrPtr, sizePtr);
      },
      proxy_set_property: (pathPtr: number, pathLen: number, valuePtr: number, valueLen: number) => {
        const path = this.#mem.string(pathPtr, pathLen);
        const value = this.#mem.string(valuePtr, valueLen);
        if (path === undefined || value === undefined) return R.InvalidMemoryAccess;
        const ctx = this.#contexts.get(this.#effective);
        if (ctx === undefined) return R.NotFound;
        ctx.props[path.split('\0').filter((s) => s !== '').join('.')] = value;
        return R.Ok;
      },
      proxy_call_foreign_function: () => R.NotFound,
      proxy_done: () => {
        const ctx = this.#contexts.get(this.#effective);
        if (ctx === undefined || !ctx.doneWaiting) return R.NotFound;
        this.#finalize(ctx);
        return R.Ok;
      },
      proxy_set_effective_context: (id: number) => {
        if (id !== this.#init.rootContextId && !this.#contexts.has(id)) return R.BadArgument;
        this.#effective = id;
        return R.Ok;
      },
    };
    return assertHostFunctions('env', host);
  }

  #continue(stream: number): number {
    if (stream > StreamType.Upstream) return WasmResult.BadArgument;
    if (stream > StreamType.HttpResponse) return WasmResult.Unimplemented;
    const ctx = this.#contexts.get(this.#effective);
    if (ctx === undefined) return WasmResult.NotFound;
    const side = stream === StreamType.HttpRequest ? 'request' : 'response';
    const headers = this.#takeChanged(ctx, side === 'request' ? MapType.HttpRequestHeaders : MapType.HttpResponseHeaders);
    const body = ctx[side].length > 0 ? ctx[side] : undefined;
    ctx[side] = EMPTY;
    this.#effects.push({ ctx: ctx.id, kind: 'continue', stream: side, headers, body });
    return WasmResult.Ok;
  }

}

class LostContext extends Error {}
