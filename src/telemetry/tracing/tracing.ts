/**
 * OpenTelemetry tracing of the gateway: a server span per request (the W3C `traceparent` and
 * `tracestate` of the client continued, or a new trace), a client span per upstream attempt so
 * retries show as siblings, the attempt's ids injected into what the upstream receives,
 * attributes named by the OpenTelemetry HTTP semantic conventions, batched OTLP/HTTP protobuf
 * export. Sampling is parent-based (the client's sampled flag), with `sampleRatio` for new
 * traces, and every request ending in a 5xx is kept too.
 *
 * A request carries only its ids and times while it runs; its spans are made at its end, as
 * compact records, and only when they will be exported (sampled, or a 5xx), so an unsampled
 * request costs a trace id, a span id per attempt and the `traceparent` it sends. The client's
 * context is read with OpenTelemetry's W3C propagator; spans are recorded and encoded by this
 * project (span-record.ts, otlp-encoder.ts say why).
 */
import { ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_TELEMETRY_SDK_LANGUAGE,
  ATTR_TELEMETRY_SDK_NAME,
  ATTR_TELEMETRY_SDK_VERSION,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import type { TracingConfig } from '../../config/types.js';
import { isSwitchyardError } from '../../errors.js';
import type { Exchange } from '../../listener/exchange.js';
import { VERSION } from '../../version.js';
import type { UpstreamAttemptEndMessage } from '../channels.js';
import type { AttemptState, RequestState } from '../request-state.js';
import { SpanExporter, type ExportCounters } from './span-exporter.js';
import { OTLP_KIND_CLIENT, OTLP_KIND_SERVER, type SpanRecord } from './span-record.js';
import { TraceIds } from './trace-ids.js';
import { NewTraces, SPAN_ID, TRACE_ID } from './new-traces.js';

export class Tracing {
  readonly #ids = new TraceIds();
  readonly #newTraces: NewTraces;
  readonly #propagator = new W3CTraceContextPropagator();
  readonly #exporter: SpanExporter;

  constructor(config: TracingConfig, counters: ExportCounters, log: Logger) {
    this.#newTraces = new NewTraces(config.sampleRatio);
    const resource = {
      attributes: [
        ATTR_SERVICE_NAME, config.serviceName,
        ATTR_SERVICE_VERSION, VERSION,
        ATTR_TELEMETRY_SDK_NAME, 'switchyard',
        ATTR_TELEMETRY_SDK_LANGUAGE, 'nodejs',
        ATTR_TELEMETRY_SDK_VERSION, VERSION,
        'process.pid', process.pid,
      ],
      scopeName: 'switchyard',
      scopeVersion: VERSION,
    };
    this.#exporter = new SpanExporter(config.otlp, resource, counters, log);
  }

  requestStart(exchange: Exchange, state: RequestState): void {
    const { req } = exchange;
    // Without a traceparent there is nothing to extract (tracestate alone is ignored, §3.3).
    const context = req.headers.traceparent === undefined ? ROOT_CONTEXT : this.#propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const parent = context === ROOT_CONTEXT ? undefined : trace.getSpanContext(context);
    state.parent = parent;
    // Parent-based sampling: a client's sampled flag decides. A new trace is sampled by its id, as
    // TraceIdRatioBased does: W3C Trace Context level 2 makes the right 7 bytes random, so the
    // last 8 hex digits compared against the ratio give a uniform, consistent decision
    // (new-traces.ts decides it with the id, and the first attempt's traceparent carries it).
    if (parent !== undefined) {
      state.traceId = parent.traceId;
      state.sampled = (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
      return;
    }
    const traceparent = this.#newTraces.next();
    state.traceId = traceparent.slice(TRACE_ID[0], TRACE_ID[1]);
    state.sampled = traceparent.charCodeAt(traceparent.length - 1) === 0x31;
    state.traceparent = traceparent;
  }

  attemptStart(carrier: Record<string, string>, state: RequestState, attempt: AttemptState): void {
    if (state.traceId === undefined) return;
    const ready = state.traceparent;
    if (ready !== undefined) {
      // A new trace's first attempt: the field was made with the trace id; no tracestate to pass.
      state.traceparent = undefined;
      attempt.spanId = ready.slice(SPAN_ID[0], SPAN_ID[1]);
      carrier['traceparent'] = ready;
      return;
    }
    attempt.spanId = this.#ids.spanId();
    // W3C Trace Context §3.2: version 00, the attempt's span as parent, the sampling decision.
    // Two templates rather than a computed flag: one string fewer per request.
    carrier['traceparent'] = state.sampled ? `00-${state.traceId}-${attempt.spanId}-01` : `00-${state.traceId}-${attempt.spanId}-00`;
    const traceState = state.parent?.traceState?.serialize();
    if (traceState) carrier['tracestate'] = traceState;
  }

  /**
   * Exports the request's spans when its trace is sampled or it ended in a 5xx; returns the
   * trace id then (for exemplars). `end` is the request's end (epoch ms), `durationMs` its time
   * from the first byte (the server span starts then: no clock read at the start); attempts with
   * `endedAt` 0 are still open: their response is this one (streamed), or the client left.
   */
  requestEnd(exchange: Exchange, state: RequestState, status: number, route: string | undefined, end: number, durationMs: number): string | undefined {
    const traceId = state.traceId;
    if (traceId === undefined || (!state.sampled && status < 500)) return undefined;
    const method = exchange.req.method ?? 'GET';
    const parent = state.parent;
    const traceState = parent?.traceState?.serialize();
    const serverSpanId = this.#ids.spanId();
    this.#exporter.add({
      traceId,
      spanId: serverSpanId,
      parentSpanId: parent?.spanId,
      parentIsRemote: parent !== undefined,
      traceState,
      name: route === undefined ? method : `${method} ${route}`,
      kind: OTLP_KIND_SERVER,
      startMs: end - durationMs,
      endMs: end,
      attributes: serverAttributes(exchange, state, status, route),
      // Semantic conventions: a server span is an error for 5xx only (4xx is the client's).
      errorMessage: status >= 500 ? '' : undefined,
    });
    for (const attempt of state.attempts ?? []) {
      if (attempt.spanId === undefined) continue;
      this.#exporter.add(clientSpan(traceId, serverSpanId, traceState, method, attempt, status, end));
    }
    return traceId;
  }

  /** Sends what is queued; a collector that is down loses those spans (already counted). */
  shutdown(): Promise<void> {
    return this.#exporter.shutdown();
  }
}

function serverAttributes(exchange: Exchange, state: RequestState, status: number, route: string | undefined): (string | number)[] {
  const { req } = exchange;
  const host = req.headers.host ?? '';
  const colon = host.lastIndexOf(':');
  const attributes: (string | number)[] = [
    ATTR_HTTP_REQUEST_METHOD, req.method ?? 'GET',
    ATTR_URL_PATH, exchange.path,
    ATTR_URL_SCHEME, 'encrypted' in exchange.socket ? 'https' : 'http',
    ATTR_SERVER_ADDRESS, colon > host.indexOf(']') ? host.slice(0, colon) : host,
    ATTR_CLIENT_ADDRESS, exchange.remoteAddress,
    ATTR_NETWORK_PROTOCOL_VERSION, req.httpVersion,
    ATTR_HTTP_RESPONSE_STATUS_CODE, status,
  ];
  if (exchange.socket.localPort !== undefined) attributes.push(ATTR_SERVER_PORT, exchange.socket.localPort);
  const agent = req.headers['user-agent'];
  if (agent !== undefined) attributes.push(ATTR_USER_AGENT_ORIGINAL, agent);
  if (route !== undefined) attributes.push(ATTR_HTTP_ROUTE, route);
  if (exchange.upstream !== undefined) attributes.push('switchyard.upstream', exchange.upstream);
  if (state.queueWaitMs > 0) attributes.push('switchyard.fastcgi.queue_wait_ms', state.queueWaitMs);
  if (status >= 500) attributes.push(ATTR_ERROR_TYPE, String(status));
  return attributes;
}

/** An attempt's span: what was tried, how it ended (the request's status if it was still open). */
function clientSpan(traceId: string, parentSpanId: string, traceState: string | undefined, method: string, attempt: AttemptState, status: number, end: number): SpanRecord {
  const { message } = attempt;
  const attributes: (string | number)[] = [ATTR_HTTP_REQUEST_METHOD, method, 'switchyard.upstream', message.upstream];
  if (message.endpoint !== undefined) attributes.push(ATTR_SERVER_ADDRESS, message.endpoint);
  if (message.attempt > 1) attributes.push(ATTR_HTTP_REQUEST_RESEND_COUNT, message.attempt - 1);
  if (attempt.queueWaitMs > 0) attributes.push('switchyard.fastcgi.queue_wait_ms', attempt.queueWaitMs);
  const outcome = attempt.end;
  const statusCode = outcome === undefined ? (attempt.endedAt === 0 ? status : undefined) : outcome.statusCode;
  if (statusCode !== undefined) attributes.push(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
  const error = outcome === undefined ? undefined : attemptErrorType(outcome);
  if (error !== undefined) attributes.push(ATTR_ERROR_TYPE, error);
  const thrown = outcome?.error;
  return {
    traceId,
    spanId: attempt.spanId as string,
    parentSpanId,
    parentIsRemote: false,
    traceState,
    name: `${method} ${message.upstream}`,
    kind: OTLP_KIND_CLIENT,
    startMs: attempt.startedAt,
    endMs: attempt.endedAt === 0 ? end : attempt.endedAt,
    attributes,
    errorMessage: error === undefined ? undefined : thrown === undefined ? '' : thrown instanceof Error ? thrown.message : String(thrown),
  };
}

/** An attempt failed when it threw (the error's code), or when the upstream answered 5xx. */
function attemptErrorType(message: UpstreamAttemptEndMessage): string | undefined {
  if (message.error !== undefined) return errorType(message.error);
  return message.statusCode !== undefined && message.statusCode >= 500 ? String(message.statusCode) : undefined;
}

function errorType(err: unknown): string {
  if (isSwitchyardError(err)) return err.code;
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ?? err.name;
  return 'error';
}
