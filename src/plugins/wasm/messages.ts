/**
 * What the gateway's thread and a plugin's VM thread say to each other. The VM thread keeps every
 * context's state (headers, buffers, properties) while the context lives, so a callback is one
 * message each way: the host functions a module calls are answered on its own thread, with no
 * round trip per call, and the gateway learns what changed from the callback's result.
 */

export interface VmInit {
  readonly bytes: Uint8Array;
  readonly pluginName: string;
  readonly rootId: string;
  readonly vmId: string;
  readonly pluginConfig: Uint8Array;
  readonly vmConfig: Uint8Array;
  /** Memory cap in 64 KiB pages. */
  readonly maxPages: number;
  /** `proxy_log_level_t` of the gateway's logger. */
  readonly logLevel: number;
  /** Upstream names `proxy_http_call` may use. */
  readonly callUpstreams: readonly string[];
  readonly rootContextId: number;
}

export type Call =
  | { readonly kind: 'request_headers'; readonly ctx: number; readonly headers: string[]; readonly facts: RequestFacts; readonly eos: boolean }
  | { readonly kind: 'request_body'; readonly ctx: number; readonly chunk: Uint8Array; readonly eos: boolean }
  | { readonly kind: 'request_trailers'; readonly ctx: number; readonly trailers: string[] }
  | { readonly kind: 'response_headers'; readonly ctx: number; readonly headers: string[]; readonly eos: boolean }
  | { readonly kind: 'response_body'; readonly ctx: number; readonly chunk: Uint8Array; readonly eos: boolean }
  | { readonly kind: 'response_trailers'; readonly ctx: number; readonly trailers: string[] }
  | { readonly kind: 'finish'; readonly ctx: number }
  | { readonly kind: 'tick' }
  | { readonly kind: 'http_call_response'; readonly token: number; readonly headers: string[]; readonly body: Uint8Array; readonly trailers: string[] };

/**
 * What the VM thread cannot read from the request headers, for the properties: source address and
 * port, destination address and port, request id, protocol (`HTTP/1.1`), route name.
 */
export type RequestFacts = [string, string, string, string, string, string, string];

export interface LocalResponse {
  readonly status: number;
  readonly details: string;
  readonly headers: string[];
  readonly body: Uint8Array;
}

/** Something a callback did to a context (its own, or another one through proxy_set_effective_context). */
export type Effect =
  | { readonly ctx: number; readonly kind: 'continue'; readonly stream: 'request' | 'response'; readonly headers: string[] | undefined; readonly body: Uint8Array | undefined }
  | { readonly ctx: number; readonly kind: 'local'; readonly response: LocalResponse }
  | { readonly ctx: number; readonly kind: 'close' };

export interface LogLine {
  readonly level: number;
  readonly message: string;
}

export type MetricOp =
  | { readonly op: 'define'; readonly id: number; readonly type: number; readonly name: string }
  | { readonly op: 'add' | 'set' | 'observe'; readonly id: number; readonly value: number };

export interface HttpCallOut {
  readonly token: number;
  readonly upstream: string;
  readonly headers: string[];
  readonly body: Uint8Array;
  readonly timeout: number;
}

export interface Outcome {
  readonly ok: true;
  /** `proxy_action_t` for stream callbacks; 0 for the others. */
  readonly action: number;
  /** The headers or trailers of the call's map, when the callback changed them. */
  readonly fields: string[] | undefined;
  /** The bytes the call releases downstream (a Continue on a body call), when any. */
  readonly body: Uint8Array | undefined;
  /** The lists below are left out when empty: every outcome crosses between threads. */
  readonly effects?: Effect[];
  readonly logs?: LogLine[];
  readonly metrics?: MetricOp[];
  readonly calls?: HttpCallOut[];
  /** Set when the module changed its tick period (0 stops the timer). */
  readonly tickPeriod: number | undefined;
}

export interface Failure {
  readonly ok: false;
  /** `trap`: the module failed and its instance was replaced; `lost`: the context died with an earlier instance. */
  readonly reason: 'trap' | 'lost';
  readonly message: string;
  readonly logs: LogLine[];
}

/**
 * `finishes`: contexts whose request is over (proxy_on_done, proxy_on_log, proxy_on_delete), run
 * before `call`: they ride on the next message instead of costing a round trip of their own.
 */
export type ToVm = { readonly op: 'call'; readonly calls: Call[]; readonly finishes: number[] };

/** workerData of a VM thread: `trial` starts the plugin once, reports through `signal`, and exits. */
export interface VmWorkerData {
  readonly init: VmInit;
  readonly trial: boolean;
  /** Int32 [state (0 running, 1 started, 2 failed), message length], then the message's UTF-8 bytes. */
  readonly signal: SharedArrayBuffer | undefined;
  /** Int32 [callbacks started], counted by the VM thread for the budget watch. */
  readonly progress: SharedArrayBuffer | undefined;
}
export type FromVm =
  | { readonly op: 'ready'; readonly logs: LogLine[]; readonly metrics: MetricOp[]; readonly tickPeriod: number | undefined }
  | { readonly op: 'init-failed'; readonly message: string } | { readonly op: 'result'; readonly outcomes: (Outcome | Failure)[] };
