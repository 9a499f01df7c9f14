/**
 * OpenTelemetry tracing of the gateway: a server span per request (the W3C `traceparent` and
 * `tracestate` of the client continued, or a new trace), a client span per upstream attempt so
 * retries show as siblings, the attempt's context injected into what the upstream receives,
 * attributes named by the OpenTelemetry HTTP semantic conventions, batched OTLP/HTTP protobuf
 * export. Sampling is parent-based (the client's sampled flag), with `sampleRatio` for new
 * traces. Every request ending in a 5xx is kept too: an unsampled request keeps only its ids,
 * times and the channel messages (no SDK span, no attribute objects), and only a 5xx turns them
 * into SDK spans with the same ids the upstream already saw. No global provider is registered:
 * the tracer is our own.
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
import type { AttemptState, RequestState } from '../request-state.js';
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
    return hexTail32(traceId) / 0x1_0000_0000 < this.#ratio;
  }

  requestStart(exchange: Exchange, state: RequestState): void {
    const { req } = exchange;
    // Without a traceparent there is nothing to extract (tracestate alone is ignored, §3.3).
    const context = req.headers.traceparent === undefined ? ROOT_CONTEXT : this.#propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const parent = context === ROOT_CONTEXT ? undefined : trace.getSpanContext(context);
    const traceId = parent?.traceId ?? this.#ids.randomTraceId();
    if (this.#sampled(parent, traceId)) {
      this.#ids.preset(traceId, this.#ids.randomSpanId());
      state.span = this.#tracer.startSpan(req.method ?? 'GET', { kind: SpanKind.SERVER, attributes: serverAttributes(exchange) }, context);
    } else {
      // The server span's id is drawn only if it is ever made (a 5xx): nothing upstream needs it.
      state.traceId = traceId;
      state.parent = parent;
      state.startedAt = nowMs();
    }
  }

  attemptStart(message: UpstreamAttemptStartMessage, state: RequestState, attempt: AttemptState): void {
    if (state.span !== undefined) {
      attempt.span = this.#tracer.startSpan(clientSpanName(message), { kind: SpanKind.CLIENT, attributes: clientAttributes(message, attempt.queueWaitMs) }, trace.setSpan(ROOT_CONTEXT, state.span));
      this.#propagator.inject(trace.setSpan(ROOT_CONTEXT, attempt.span), message.carrier, defaultTextMapSetter);
    } else if (state.traceId !== undefined) {
      attempt.spanId = this.#ids.randomSpanId();
      // W3C Trace Context §3.2: version 00, our span as parent, flags 00 (not sampled).
      message.carrier['traceparent'] = `00-${state.traceId}-${attempt.spanId}-00`;
      const traceState = state.parent?.traceState?.serialize();
      if (traceState) message.carrier['tracestate'] = traceState;
    }
  }

  attemptEnd(message: UpstreamAttemptEndMessage, attempt: AttemptState): void {
    if (attempt.spanId !== undefined) {
      // Kept as is; read only if the request ends in a 5xx.
      attempt.end = message;
      return;
    }
    const span = attempt.span;
    if (span === undefined) return;
    endClientSpan(span, message);
    span.end();
  }

  /**
   * Ends the request's spans; returns the trace id when the trace is exported (for exemplars).
   * `endedAt` is the request's end (epoch ms); attempts with `endedAt` 0 are still open.
   */
  requestEnd(exchange: Exchange, state: RequestState, status: number, route: string | undefined, endedAt: number): string | undefined {
    if (state.traceId !== undefined) {
      if (status < 500) return undefined;
      this.#materialize(exchange, state, state.traceId, status, route, endedAt);
      return state.traceId;
    }
    const span = state.span;
    if (span === undefined) return undefined;
    // Attempts still open: their response is this one (streamed), or the client left.
    for (const attempt of state.attempts ?? []) {
      if (attempt.endedAt !== 0 || attempt.span === undefined) continue;
      attempt.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      attempt.span.end();
    }
    finishServerSpan(span, exchange, state, status, route);
    span.end();
    return span.spanContext().traceId;
  }

  /** An unsampled request ended in a 5xx: make its spans now, with the ids it already used. */
  #materialize(exchange: Exchange, state: RequestState, traceId: string, status: number, route: string | undefined, end: number): void {
    const parent = state.parent === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, state.parent);
    this.#ids.preset(traceId, this.#ids.randomSpanId());
    const server = this.#tracer.startSpan(exchange.req.method ?? 'GET', { kind: SpanKind.SERVER, startTime: state.startedAt, attributes: serverAttributes(exchange) }, parent);
    finishServerSpan(server, exchange, state, status, route);
    for (const attempt of state.attempts ?? []) {
      if (attempt.spanId === undefined) continue;
      this.#ids.preset(undefined, attempt.spanId);
      const { message } = attempt;
      const client = this.#tracer.startSpan(clientSpanName(message), { kind: SpanKind.CLIENT, startTime: attempt.startedAt, attributes: clientAttributes(message, attempt.queueWaitMs) }, trace.setSpan(ROOT_CONTEXT, server));
      if (attempt.end !== undefined) endClientSpan(client, attempt.end);
      else if (attempt.endedAt === 0) client.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      client.end(attempt.endedAt === 0 ? end : attempt.endedAt);
    }
    server.end(end);
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

function clientSpanName(message: UpstreamAttemptStartMessage): string {
  return `${message.exchange.req.method ?? 'GET'} ${message.upstream}`;
}

function clientAttributes(message: UpstreamAttemptStartMessage, queueWaitMs: number): Attributes {
  const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: message.exchange.req.method ?? 'GET', 'switchyard.upstream': message.upstream };
  if (message.endpoint !== undefined) attributes[ATTR_SERVER_ADDRESS] = message.endpoint;
  if (message.attempt > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = message.attempt - 1;
  if (queueWaitMs > 0) attributes['switchyard.fastcgi.queue_wait_ms'] = queueWaitMs;
  return attributes;
}

/** The status the upstream answered, and the error when the attempt failed. */
function endClientSpan(span: Span, message: UpstreamAttemptEndMessage): void {
  if (message.statusCode !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, message.statusCode);
  const error = attemptErrorType(message);
  if (error === undefined) return;
  const thrown = message.error;
  markError(span, error, thrown === undefined ? undefined : thrown instanceof Error ? thrown.message : String(thrown));
}

function finishServerSpan(span: Span, exchange: Exchange, state: RequestState, status: number, route: string | undefined): void {
  if (route !== undefined) {
    span.setAttribute(ATTR_HTTP_ROUTE, route);
    span.updateName(`${exchange.req.method ?? 'GET'} ${route}`);
  }
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (exchange.upstream !== undefined) span.setAttribute('switchyard.upstream', exchange.upstream);
  if (state.queueWaitMs > 0) span.setAttribute('switchyard.fastcgi.queue_wait_ms', state.queueWaitMs);
  // Semantic conventions: a server span is an error for 5xx only (4xx is the client's).
  if (status >= 500) markError(span, String(status));
}

/** The last 8 hex digits of an id as a number (no substring, no parseInt). */
function hexTail32(id: string): number {
  let n = 0;
  for (let i = id.length - 8; i < id.length; i++) {
    const c = id.charCodeAt(i);
    n = n * 16 + (c <= 57 ? c - 48 : (c | 0x20) - 87);
  }
  return n;
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
