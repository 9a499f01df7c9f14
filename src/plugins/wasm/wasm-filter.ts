/**
 * `type: wasm`: a proxy-wasm HTTP filter (ABI 0.2.1, or a module exporting the 0.2.0 marker) in
 * the chain. The module is checked and started once when the config loads; then each request is
 * one HTTP context: request headers (pseudo-headers first), the request body when the module has
 * a body callback, the response head and body through CapturedResponse when it has response
 * callbacks, and proxy_on_done / proxy_on_log / proxy_on_delete after the response.
 *
 *   middleware:
 *     waf: { type: wasm, module: ./filters/waf.wasm, rootId: my_root_id, config: '{"mode":"block"}',
 *            maxMemory: 16mb, callTimeout: 50ms, upstreams: { auth: http://127.0.0.1:9000 } }
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { Filter, FilterContext, FilterFactory, FilterProblem } from '../../filters/filter.js';
import { optionsChecker } from '../../filters/options-check.js';
import { parseDuration, parseSize } from '../../config/units.js';
import { SwitchyardError } from '../../errors.js';
import type { Exchange, ExchangeResponse } from '../../listener/exchange.js';
import { sendProblem } from '../../listener/problem.js';
import { Action } from './abi.js';
import type { Call, Effect, LocalResponse, RequestFacts, VmInit } from './messages.js';
import { checkModule } from './module-check.js';
import { PluginRunner, trialStart, type CallResult } from './plugin-runner.js';
import { CapturedResponse } from './response-capture.js';
import { PAGE } from './wasm-api.js';
import { readModuleShape } from './wasm-binary.js';

export interface WasmOptions {
  module: string;
  rootId?: string;
  vmId?: string;
  config?: string | Record<string, unknown>;
  vmConfig?: string;
  maxMemory?: string | number;
  callTimeout?: string | number;
  upstreams?: Record<string, string>;
}

/** Defaults of the options (docs/plugins.md). */
export const WASM_DEFAULTS = { maxMemory: 64 * 1024 * 1024, callTimeout: 100, startTimeout: 10_000 } as const;

const schemaCheck = optionsChecker({
  required: ['module'],
  properties: {
    module: { type: 'string', minLength: 1 },
    rootId: { type: 'string' },
    vmId: { type: 'string' },
    config: { anyOf: [{ type: 'string' }, { type: 'object' }] },
    vmConfig: { type: 'string' },
    maxMemory: { type: ['string', 'integer'] },
    callTimeout: { type: ['string', 'integer'] },
    upstreams: { type: 'object', additionalProperties: { type: 'string', pattern: '^https?://' } },
  },
});

/**
 * A filter has no close in the contract: when a reload drops the runtime holding it (and the
 * last request on it has ended), its plugin's thread and timers stop once the filter is collected.
 */
const dropped = new FinalizationRegistry<PluginRunner>((runner) => runner.close());

export const wasmFilter = {
  type: 'wasm',
  check(options, context) {
    const problems = schemaCheck(options);
    if (problems.length > 0) return problems;
    const o = options as unknown as WasmOptions;
    const out: FilterProblem[] = [];
    const maxMemory = parseSize(o.maxMemory ?? WASM_DEFAULTS.maxMemory);
    if (maxMemory === undefined || maxMemory < PAGE) out.push({ segments: ['maxMemory'], message: `'${String(o.maxMemory)}' is not a size of at least 64kb` });
    const callTimeout = parseDuration(o.callTimeout ?? WASM_DEFAULTS.callTimeout);
    if (callTimeout === undefined || callTimeout < 1) out.push({ segments: ['callTimeout'], message: `'${String(o.callTimeout)}' is not a duration of at least 1ms` });
    if (out.length > 0) return out;
    const file = resolve(context.configDir, o.module);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      return [{ segments: ['module'], message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }];
    }
    const checked = checkModule(file, bytes, maxMemory as number);
    if (!checked.ok) return [{ segments: ['module'], message: checked.message }];
    const failed = trialStart(vmInit(o, bytes, context), WASM_DEFAULTS.startTimeout);
    if (failed !== undefined) return [{ segments: ['module'], message: `${file} did not start: ${failed}` }];
    return [];
  },
  create(options, context): Filter {
    const file = resolve(context.configDir, options.module);
    const bytes = readFileSync(file);
    // Checked in `check`: only which callbacks it exports is needed here.
    const shape = readModuleShape(bytes);
    const log = context.log.child({ plugin: context.name });
    const runner = new PluginRunner({
      init: vmInit(options, bytes, context),
      name: context.name,
      budget: parseDuration(options.callTimeout ?? WASM_DEFAULTS.callTimeout) as number,
      upstreams: new Map(Object.entries(options.upstreams ?? {})),
      log,
    });
    const has = (fn: string) => shape.exports.get(fn) === 'function';
    const filter = createFilter(runner, {
      requestBody: has('proxy_on_request_body'),
      responseHeaders: has('proxy_on_response_headers'),
      responseBody: has('proxy_on_response_body'),
    });
    dropped.register(filter, runner);
    return filter;
  },
} satisfies FilterFactory<WasmOptions>;

function vmInit(o: WasmOptions, bytes: Uint8Array, context: FilterContext): VmInit {
  const config = o.config === undefined ? '' : typeof o.config === 'string' ? o.config : JSON.stringify(o.config);
  const maxMemory = parseSize(o.maxMemory ?? WASM_DEFAULTS.maxMemory) as number;
  const levels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
  return {
    bytes,
    pluginName: context.name,
    rootId: o.rootId ?? '',
    vmId: o.vmId ?? '',
    pluginConfig: Buffer.from(config),
    vmConfig: Buffer.from(o.vmConfig ?? ''),
    maxPages: Math.floor(maxMemory / PAGE),
    logLevel: Math.max(0, levels.indexOf(context.log.level)),
    callUpstreams: Object.keys(o.upstreams ?? {}),
    rootContextId: 1,
  };
}

interface Callbacks {
  readonly requestBody: boolean;
  readonly responseHeaders: boolean;
  readonly responseBody: boolean;
}

/** A failed callback as the problem the request is answered with. */
function failure(result: Exclude<CallResult, { ok: true }>): SwitchyardError {
  if (result.reason === 'trap') return new SwitchyardError('SY_ERR_WASM_TRAP', `wasm filter failed: ${result.message}`);
  if (result.reason === 'timeout') return new SwitchyardError('SY_ERR_WASM_TIMEOUT', result.message);
  return new SwitchyardError('SY_ERR_WASM_UNAVAILABLE', result.message);
}

/**
 * A stream callback's result, settled: a local response or a closed stream ends the request
 * ('answered'); a Pause waits for proxy_continue_stream (from an HTTP call's response or a tick).
 * Returns the headers and bytes to go on with.
 */
async function settle(runner: PluginRunner, exchange: Exchange, ctx: number, call: Call): Promise<{ fields: string[] | undefined; body: Uint8Array | undefined } | 'answered'> {
  const result = await runner.call(call, exchange.log);
  if (!result.ok) throw failure(result);
  let fields = result.fields;
  let body = result.body;
  // Pause on a piece of body before its end only buffers it (Envoy's StopIterationAndBuffer):
  // the next piece is still given. Anywhere else Pause waits for proxy_continue_stream.
  let paused = result.action !== Action.Continue && !((call.kind === 'request_body' || call.kind === 'response_body') && !call.eos);
  for (;;) {
    for (const effect of runner.takeEffects(ctx)) {
      const done = applyEffect(exchange, effect);
      if (done === 'answered') return 'answered';
      if (effect.kind === 'continue') {
        paused = false;
        fields = effect.headers ?? fields;
        if (effect.body !== undefined) body = body === undefined ? effect.body : Buffer.concat([body, effect.body]);
      }
    }
    if (!paused) return { fields, body };
    await runner.waitForEffect(ctx, exchange.signal);
    if (exchange.aborted) return 'answered';
  }
}

function applyEffect(exchange: Exchange, effect: Effect): 'answered' | undefined {
  if (effect.kind === 'local') {
    sendLocal(exchange.res, effect.response, exchange.req.method === 'HEAD');
    return 'answered';
  }
  if (effect.kind === 'close') {
    exchange.res.destroy();
    return 'answered';
  }
  return undefined;
}

function sendLocal(res: ExchangeResponse, local: LocalResponse, head: boolean): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | string[] | number> = {};
  for (let i = 0; i < local.headers.length; i += 2) {
    const name = local.headers[i] as string;
    if (name.startsWith(':')) continue;
    const had = headers[name];
    headers[name] = had === undefined ? (local.headers[i + 1] as string) : [...(Array.isArray(had) ? had : [String(had)]), local.headers[i + 1] as string];
  }
  headers['content-length'] = local.body.length;
  res.writeHead(local.status, headers);
  res.end(head || local.body.length === 0 ? undefined : local.body);
}

/**
 * The request headers as the upstream would get them (the headers object, which filters before
 * this one may have edited), after the pseudo-headers; names are lowercase already.
 */
function requestPairs(exchange: Exchange): string[] {
  const req = exchange.req;
  const secure = (req.socket as Partial<TLSSocket>).encrypted === true;
  const pairs = [':method', req.method ?? 'GET', ':path', req.url ?? '/', ':authority', String(req.headers.host ?? ''), ':scheme', secure ? 'https' : 'http'];
  for (const [name, value] of Object.entries(req.headers)) {
    if (name === 'host' || value === undefined) continue;
    if (typeof value === 'string') pairs.push(name, value);
    else for (const v of value) pairs.push(name, v);
  }
  return pairs;
}

/** The filter's request headers become the request's: `:authority` is Host; `:method` and `:path` are not re-routed. */
function applyRequestHeaders(exchange: Exchange, pairs: readonly string[]): void {
  const headers = exchange.req.headers;
  for (const name of Object.keys(headers)) delete headers[name];
  for (let i = 0; i < pairs.length; i += 2) {
    let name = pairs[i] as string;
    const value = pairs[i + 1] as string;
    if (name === ':authority') name = 'host';
    else if (name.startsWith(':')) continue;
    const had = headers[name];
    if (had === undefined) headers[name] = name === 'set-cookie' ? [value] : value;
    else if (Array.isArray(had)) had.push(value);
    else headers[name] = `${had}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
}

function facts(exchange: Exchange): RequestFacts {
  const socket = exchange.socket;
  return [exchange.remoteAddress, String(socket.remotePort ?? 0), socket.localAddress ?? '', String(socket.localPort ?? 0), exchange.id, `HTTP/${exchange.req.httpVersion}`, exchange.match?.route.name ?? ''];
}

/** The exchange's response is the capture while the filter stands in front of the upstream. */
function swapResponse(exchange: Exchange, res: ExchangeResponse): void {
  (exchange as { res: ExchangeResponse }).res = res;
}

function createFilter(runner: PluginRunner, callbacks: Callbacks): Filter {
  return async (exchange, next) => {
    const ctx = runner.open();
    const real = exchange.res;
    try {
      const hasBody = exchange.body !== undefined || exchange.req.headers['transfer-encoding'] !== undefined || Number(exchange.req.headers['content-length'] ?? 0) > 0;
      const head = await settle(runner, exchange, ctx, { kind: 'request_headers', ctx, headers: requestPairs(exchange), facts: facts(exchange), eos: !hasBody });
      if (head === 'answered') return;
      if (head.fields !== undefined) applyRequestHeaders(exchange, head.fields);
      if (hasBody && callbacks.requestBody) {
        if ((await filterRequestBody(runner, exchange, ctx)) === 'answered') return;
      }
      if (!callbacks.responseHeaders && !callbacks.responseBody) {
        await next();
        return;
      }
      const capture = new CapturedResponse(real, {
        head: async (status, pairs, eos) => {
          if (!callbacks.responseHeaders) return { status, pairs };
          const settled = await settle(runner, exchange, ctx, { kind: 'response_headers', ctx, headers: [':status', String(status), ...pairs], eos });
          if (settled === 'answered') return 'answered';
          const fields = settled.fields ?? [':status', String(status), ...pairs];
          const at = fields.indexOf(':status');
          return { status: at % 2 === 0 ? Number(fields[at + 1]) || status : status, pairs: fields };
        },
        body: callbacks.responseBody
          ? async (chunk, eos) => {
              const settled = await settle(runner, exchange, ctx, { kind: 'response_body', ctx, chunk, eos });
              if (settled === 'answered') return 'answered';
              return settled.body === undefined ? Buffer.alloc(0) : Buffer.from(settled.body);
            }
          : undefined,
        fail: (err, headOut) => {
          swapResponse(exchange, real);
          if (headOut) real.destroy();
          else sendProblem(exchange, err);
        },
      });
      const closed = new Promise((resolve) => capture.once('close', resolve));
      swapResponse(exchange, capture);
      try {
        await next();
      } catch (err) {
        swapResponse(exchange, real);
        capture.destroy();
        throw err;
      }
      await closed;
      swapResponse(exchange, real);
    } catch (err) {
      swapResponse(exchange, real);
      throw err;
    } finally {
      runner.finish(ctx);
    }
  };
}

/**
 * The request body through proxy_on_request_body, chunk by chunk as it arrives; what the filter
 * releases (Continue) is what the upstream gets, as `exchange.body` with its length.
 */
async function filterRequestBody(runner: PluginRunner, exchange: Exchange, ctx: number): Promise<'answered' | undefined> {
  const limit = exchange.match?.route.bodySize ?? Infinity;
  const released: Uint8Array[] = [];
  let size = 0;
  const pieces: Iterable<Buffer> | AsyncIterable<Buffer> = exchange.body !== undefined ? [exchange.body] : (exchange.req as AsyncIterable<Buffer>);
  for await (const chunk of pieces) {
    size += chunk.length;
    if (size > limit) throw new SwitchyardError('SY_ERR_BODY_TOO_LARGE', `request body exceeds the limit of ${limit}`, { headers: { connection: 'close' } });
    const settled = await settle(runner, exchange, ctx, { kind: 'request_body', ctx, chunk, eos: false });
    if (settled === 'answered') return 'answered';
    if (settled.body !== undefined) released.push(settled.body);
  }
  const settled = await settle(runner, exchange, ctx, { kind: 'request_body', ctx, chunk: new Uint8Array(0), eos: true });
  if (settled === 'answered') return 'answered';
  if (settled.body !== undefined) released.push(settled.body);
  const body = Buffer.concat(released);
  exchange.body = body;
  const headers = exchange.req.headers;
  delete headers['transfer-encoding'];
  headers['content-length'] = String(body.length);
  return undefined;
}
