/**
 * OpenTelemetry tracing of the gateway: a server span per request (the W3C `traceparent` and
 * `tracestate` of the client continued, or a new trace), a client span per upstream attempt so
 * retries show as siblings, the attempt's context injected into what the upstream receives,
 * attributes named by the OpenTelemetry HTTP semantic conventions, batched OTLP/HTTP protobuf
 * export. Sampling is parent-based (the client's sampled flag), with `sampleRatio` for new
 * traces. Every request ending in a 5xx is kept too: an unsampled request carries its ids and
 * timings as plain data (cheap: no SDK span), and only a 5xx turns them into SDK spans with the
 * same ids the upstream already saw. No global provider is registered: the tracer is our own.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, defaultTextMapGetter, defaultTextMapSetter, trace, type Attributes, type Span, type SpanContext, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
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
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { Logger } from 'pino';
import type { TracingConfig } from '../../config/types.js';
import { isSwitchyardError } from '../../errors.js';
import type { Exchange } from '../../listener/exchange.js';
import { VERSION } from '../../version.js';
import type { UpstreamAttemptEndMessage, UpstreamAttemptStartMessage } from '../channels.js';
import { nowMs } from '../pauses/pause-timeline.js';
import type { AttemptState, DeferredSpan, RequestState } from '../request-state.js';
import { CountingExporter, type ExportCounters } from './counting-exporter.js';
import { PresetIdGenerator } from './preset-id-generator.js';

/** Upper bound on one OTLP export; a dead collector costs this much of the export loop, never a request. */
const EXPORT_TIMEOUT_MS = 5_000;

export class Tracing {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;
  readonly #ids = new PresetIdGenerator();
  readonly #propagator = new W3CTraceContextPropagator();
  readonly #ratio: number;

  constructor(config: TracingConfig, counters: ExportCounters, log: Logger) {
    const exporter = new CountingExporter(new OTLPTraceExporter({ url: config.otlp, timeoutMillis: EXPORT_TIMEOUT_MS }), counters, log, config.otlp);
    this.#ratio = config.sampleRatio;
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, 'service.version': VERSION }),
      // The decision is taken here before a span is made (see #sampled); every SDK span is kept.
      sampler: new AlwaysOnSampler(),
      idGenerator: this.#ids,
      spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: 1_000, exportTimeoutMillis: EXPORT_TIMEOUT_MS })],
    });
    this.#tracer = this.#provider.getTracer('switchyard', VERSION);
  }

  /**
   * Parent-based: a client's sampled flag decides. A new trace is sampled by its id, as
   * TraceIdRatioBased does: W3C Trace Context level 2 makes the right 7 bytes random, so the
   * last 8 hex digits compared against the ratio give a uniform, consistent decision.
   */
  #sampled(parent: SpanContext | undefined, traceId: string): boolean {
    if (parent !== undefined) return (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
    return parseInt(traceId.slice(-8), 16) / 0x1_0000_0000 < this.#ratio;
  }

  requestStart(exchange: Exchange, state: RequestState): void {
    const { req } = exchange;
    const context = this.#propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const parent = trace.getSpanContext(context);
    const traceId = parent?.traceId ?? this.#ids.randomTraceId();
    const method = req.method ?? 'GET';
    if (this.#sampled(parent, traceId)) {
      this.#ids.preset(traceId, this.#ids.randomSpanId());
      state.span = this.#tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: serverAttributes(exchange) }, context);
    } else {
      // The server span's id is drawn only if it is ever made (a 5xx): nothing upstream needs it.
      state.deferred = { traceId, parent, spanId: '', name: method, start: nowMs(), end: 0, attributes: {}, error: undefined };
    }
  }

  attemptStart(message: UpstreamAttemptStartMessage, state: RequestState, attempt: AttemptState): void {
    const method = message.exchange.req.method ?? 'GET';
    const attributes: Record<string, string | number> = { [ATTR_HTTP_REQUEST_METHOD]: method, 'switchyard.upstream': message.upstream };
    if (message.endpoint !== undefined) attributes[ATTR_SERVER_ADDRESS] = message.endpoint;
    if (message.attempt > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = message.attempt - 1;
    if (state.queueWaitNs > 0n) attributes['switchyard.fastcgi.queue_wait_ms'] = Number(state.queueWaitNs) / 1e6;
    const name = `${method} ${message.upstream}`;
    if (state.span !== undefined) {
      attempt.span = this.#tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, trace.setSpan(ROOT_CONTEXT, state.span));
      this.#propagator.inject(trace.setSpan(ROOT_CONTEXT, attempt.span), message.carrier, defaultTextMapSetter);
    } else if (state.deferred !== undefined) {
      const deferred: DeferredSpan = { spanId: this.#ids.randomSpanId(), name, start: nowMs(), end: 0, attributes, error: undefined };
      attempt.deferred = deferred;
      // W3C Trace Context §3.2: version 00, our span as parent, flags 00 (not sampled).
      message.carrier['traceparent'] = `00-${state.deferred.traceId}-${deferred.spanId}-00`;
      const traceState = state.deferred.parent?.traceState?.serialize();
      if (traceState) message.carrier['tracestate'] = traceState;
    }
  }

  attemptEnd(message: UpstreamAttemptEndMessage, attempt: AttemptState): void {
    const error = attemptErrorType(message);
    if (attempt.deferred !== undefined) {
      attempt.deferred.end = nowMs();
      if (message.statusCode !== undefined) attempt.deferred.attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = message.statusCode;
      attempt.deferred.error = error;
      return;
    }
    const span = attempt.span;
    if (span === undefined) return;
    if (message.statusCode !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, message.statusCode);
    if (error !== undefined) {
      const thrown = message.error;
      markError(span, error, thrown === undefined ? undefined : thrown instanceof Error ? thrown.message : String(thrown));
    }
    span.end();
  }

  /** Ends the request's spans; returns the trace id when the trace is exported (for exemplars). */
  requestEnd(exchange: Exchange, state: RequestState, status: number, route: string | undefined): string | undefined {
    if (state.deferred !== undefined) {
      if (status < 500) return undefined;
      this.#materialize(exchange, state, status, route);
      return state.deferred.traceId;
    }
    const span = state.span;
    if (span === undefined) return undefined;
    // Attempts still open: their response is this one (streamed), or the client left.
    for (const attempt of state.attempts.values()) {
      attempt.span?.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      attempt.span?.end();
    }
    finishServerSpan(span, exchange, state, status, route);
    span.end();
    return span.spanContext().traceId;
  }

  /** An unsampled request ended in a 5xx: make its spans now, with the ids it already used. */
  #materialize(exchange: Exchange, state: RequestState, status: number, route: string | undefined): void {
    const deferred = state.deferred as NonNullable<RequestState['deferred']>;
    const end = nowMs();
    const parent = deferred.parent === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, deferred.parent);
    this.#ids.preset(deferred.traceId, this.#ids.randomSpanId());
    const server = this.#tracer.startSpan(deferred.name, { kind: SpanKind.SERVER, startTime: deferred.start, attributes: serverAttributes(exchange) }, parent);
    finishServerSpan(server, exchange, state, status, route);
    const open = new Set(state.attempts.values());
    for (const attempt of this.#deferredAttempts(state)) {
      const d = attempt.deferred as DeferredSpan;
      this.#ids.preset(undefined, d.spanId);
      const client = this.#tracer.startSpan(d.name, { kind: SpanKind.CLIENT, startTime: d.start, attributes: d.attributes }, trace.setSpan(ROOT_CONTEXT, server));
      if (open.has(attempt)) client.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (d.error !== undefined) markError(client, d.error);
      client.end(d.end === 0 ? end : d.end);
    }
    server.end(end);
  }

  *#deferredAttempts(state: RequestState): Iterable<AttemptState> {
    for (const attempt of state.finished) if (attempt.deferred !== undefined) yield attempt;
    for (const attempt of state.attempts.values()) if (attempt.deferred !== undefined) yield attempt;
  }

  /** Flushes what is queued; a collector that is down loses those spans (already counted). */
  async shutdown(): Promise<void> {
    await this.#provider.shutdown().catch(() => undefined);
  }
}

function serverAttributes(exchange: Exchange): Attributes {
  const { req } = exchange;
  const host = req.headers.host ?? '';
  const colon = host.lastIndexOf(':');
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: req.method ?? 'GET',
    [ATTR_URL_PATH]: exchange.path,
    [ATTR_URL_SCHEME]: 'encrypted' in exchange.socket ? 'https' : 'http',
    [ATTR_SERVER_ADDRESS]: colon > host.indexOf(']') ? host.slice(0, colon) : host,
    [ATTR_CLIENT_ADDRESS]: exchange.remoteAddress,
    [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
  };
  if (exchange.socket.localPort !== undefined) attributes[ATTR_SERVER_PORT] = exchange.socket.localPort;
  const agent = req.headers['user-agent'];
  if (agent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = agent;
  return attributes;
}

function finishServerSpan(span: Span, exchange: Exchange, state: RequestState, status: number, route: string | undefined): void {
  if (route !== undefined) {
    span.setAttribute(ATTR_HTTP_ROUTE, route);
    span.updateName(`${exchange.req.method ?? 'GET'} ${route}`);
  }
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (exchange.upstream !== undefined) span.setAttribute('switchyard.upstream', exchange.upstream);
  if (state.queueWaitNs > 0n) span.setAttribute('switchyard.fastcgi.queue_wait_ms', Number(state.queueWaitNs) / 1e6);
  // Semantic conventions: a server span is an error for 5xx only (4xx is the client's).
  if (status >= 500) markError(span, String(status));
}

/** Semantic conventions: `error.type` names what failed, and the span's status is ERROR. */
function markError(span: Span, type: string, message?: string): void {
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus(message === undefined ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.ERROR, message });
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
