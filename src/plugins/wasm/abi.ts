/**
 * The proxy-wasm ABI as this host speaks it: the numbers of the 0.2.1 specification
 * (proxy-wasm/spec abi-versions/v0.2.1) and the signature of every function a module may import,
 * so a module is checked against them when the config loads, before it runs.
 */

/** `proxy_status_t`. */
export const WasmResult = {
  Ok: 0,
  NotFound: 1,
  BadArgument: 2,
  SerializationFailure: 3,
  ParseFailure: 4,
  InvalidMemoryAccess: 6,
  Empty: 7,
  CasMismatch: 8,
  InternalFailure: 10,
  Unimplemented: 12,
} as const;

/** `proxy_action_t`: what a stream callback returns. */
export const Action = { Continue: 0, Pause: 1 } as const;

/** `proxy_buffer_type_t`. */
export const BufferType = {
  HttpRequestBody: 0,
  HttpResponseBody: 1,
  DownstreamData: 2,
  UpstreamData: 3,
  HttpCallResponseBody: 4,
  GrpcCallMessage: 5,
  VmConfiguration: 6,
  PluginConfiguration: 7,
  ForeignFunctionArguments: 8,
} as const;

/** `proxy_map_type_t`. */
export const MapType = {
  HttpRequestHeaders: 0,
  HttpRequestTrailers: 1,
  HttpResponseHeaders: 2,
  HttpResponseTrailers: 3,
  GrpcCallInitialMetadata: 4,
  GrpcCallTrailingMetadata: 5,
  HttpCallResponseHeaders: 6,
  HttpCallResponseTrailers: 7,
} as const;

/** `proxy_stream_type_t`. */
export const StreamType = { HttpRequest: 0, HttpResponse: 1, Downstream: 2, Upstream: 3 } as const;

/** `proxy_metric_type_t`. */
export const MetricType = { Counter: 0, Gauge: 1, Histogram: 2 } as const;

/** `proxy_log_level_t`, by number, as pino level names. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** `wasi_errno_t` values the shims answer. */
export const Errno = { Success: 0, Badf: 8, Fault: 21, Inval: 28, Notsup: 58 } as const;

/** The markers a module exports to say which ABI it was built against (both accepted, as Envoy does). */
export const ABI_MARKERS = ['proxy_abi_version_0_2_1', 'proxy_abi_version_0_2_0'] as const;

type ValueType = 'i32' | 'i64';
export interface Signature {
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

const i32 = (n: number): ValueType[] => Array.from({ length: n }, () => 'i32');
const status = (...params: ValueType[]): Signature => ({ params, results: ['i32'] });

/** Every `env` function of the 0.2.1 ABI (and the 0.2.0 names Envoy still links), by name. */
export const PROXY_FUNCTIONS: ReadonlyMap<string, Signature> = new Map<string, Signature>([
  ['proxy_log', status(...i32(3))],
  ['proxy_get_log_level', status(...i32(1))],
  ['proxy_get_current_time_nanoseconds', status(...i32(1))],
  ['proxy_set_tick_period_milliseconds', status(...i32(1))],
  ['proxy_get_buffer_bytes', status(...i32(5))],
  ['proxy_set_buffer_bytes', status(...i32(5))],
  ['proxy_get_buffer_status', status(...i32(3))],
  ['proxy_get_header_map_size', status(...i32(2))],
  ['proxy_get_header_map_pairs', status(...i32(3))],
  ['proxy_set_header_map_pairs', status(...i32(3))],
  ['proxy_get_header_map_value', status(...i32(5))],
  ['proxy_add_header_map_value', status(...i32(5))],
  ['proxy_replace_header_map_value', status(...i32(5))],
  ['proxy_remove_header_map_value', status(...i32(3))],
  ['proxy_continue_stream', status(...i32(1))],
  ['proxy_close_stream', status(...i32(1))],
  ['proxy_get_status', status(...i32(3))],
  ['proxy_send_local_response', status(...i32(8))],
  ['proxy_http_call', status(...i32(10))],
  ['proxy_grpc_call', status(...i32(12))],
  ['proxy_grpc_stream', status(...i32(9))],
  ['proxy_grpc_send', status(...i32(4))],
  ['proxy_grpc_cancel', status(...i32(1))],
  ['proxy_grpc_close', status(...i32(1))],
  ['proxy_set_shared_data', status(...i32(5))],
  ['proxy_get_shared_data', status(...i32(5))],
  ['proxy_register_shared_queue', status(...i32(3))],
  ['proxy_resolve_shared_queue', status(...i32(5))],
  ['proxy_enqueue_shared_queue', status(...i32(3))],
  ['proxy_dequeue_shared_queue', status(...i32(3))],
  ['proxy_define_metric', status(...i32(4))],
  ['proxy_record_metric', status('i32', 'i64')],
  ['proxy_increment_metric', status('i32', 'i64')],
  ['proxy_get_metric', status(...i32(2))],
  ['proxy_get_property', status(...i32(4))],
  ['proxy_set_property', status(...i32(4))],
  ['proxy_call_foreign_function', status(...i32(6))],
  ['proxy_done', status()],
  ['proxy_set_effective_context', status(...i32(1))],
  // ABI 0.2.0 (and 0.1.0) spellings of stream continuation, still linked by Envoy.
  ['proxy_continue_request', status()],
  ['proxy_continue_response', status()],
  ['proxy_clear_route_cache', status()],
]);

/** The `wasi_snapshot_preview1` functions the SDKs' runtimes import. */
export const WASI_FUNCTIONS: ReadonlyMap<string, Signature> = new Map<string, Signature>([
  ['fd_write', status(...i32(4))],
  ['fd_read', status(...i32(4))],
  ['fd_close', status(...i32(1))],
  ['fd_seek', status('i32', 'i64', 'i32', 'i32')],
  ['fd_fdstat_get', status(...i32(2))],
  ['fd_prestat_get', status(...i32(2))],
  ['fd_prestat_dir_name', status(...i32(3))],
  ['clock_time_get', status('i32', 'i64', 'i32')],
  ['random_get', status(...i32(2))],
  ['environ_sizes_get', status(...i32(2))],
  ['environ_get', status(...i32(2))],
  ['args_sizes_get', status(...i32(2))],
  ['args_get', status(...i32(2))],
  ['proc_exit', { params: ['i32'], results: [] }],
  ['sched_yield', status()],
]);

export const IMPORT_MODULES: ReadonlyMap<string, ReadonlyMap<string, Signature>> = new Map([
  ['env', PROXY_FUNCTIONS],
  ['wasi_snapshot_preview1', WASI_FUNCTIONS],
]);

/** `host` as given, after checking it has every function of the ABI's `module` (a drift is a bug here). */
export function assertHostFunctions(module: string, host: Record<string, unknown>): Record<string, unknown> {
  const expected = IMPORT_MODULES.get(module) as ReadonlyMap<string, Signature>;
  for (const name of expected.keys()) if (!(name in host)) throw new Error(`host function ${module}.${name} is missing`);
  return host;
}
