/**
 * OpenTelemetry tracing of the gateway: a server span per request (the W3C `traceparent` and
 * `tracestate` of the client continued, or a new trace), a client span per upstream attempt so
 * retries show as siblings, the attempt's context injected into what the upstream receives,
 * attributes named by the OpenTelemetry HTTP semantic conventions, batched OTLP/HTTP protobuf
 * export. Sampling is parent-based with a ratio for new traces; unsampled requests are recorded
 * cheaply and kept only if they end in a 5xx (see keep-errors-processor.ts). No global
 * provider is registered: the gateway's tracer is its own.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, defaultTextMapSetter, trace, type Attributes, type Context, type Link, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
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
import type { RequestState } from '../request-state.js';
import { CountingExporter, type ExportCounters } from './counting-exporter.js';
import { KeepErrorsProcessor } from './keep-errors-processor.js';

/** Upper bound on one OTLP export; a dead collector costs this much of the export loop, never a request. */
const EXPORT_TIMEOUT_MS = 5_000;

/** Parent-based ratio sampling that records what it does not sample (so a 5xx can still be kept). */
class RecordingSampler implements Sampler {
  readonly #inner: Sampler;

  constructor(ratio: number) {
    this.#inner = new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const result = this.#inner.shouldSample(context, traceId, name, kind, attributes, links);
    return result.decision === SamplingDecision.NOT_RECORD ? { ...result, decision: SamplingDecision.RECORD } : result;
  }

  toString(): string {
    return `RecordingSampler{${this.#inner.toString()}}`;
  }
}

export class Tracing {
  readonly #provider: BasicTracerProvider;
  readonly #tracer: Tracer;
  readonly #propagator = new W3CTraceContextPropagator();

  constructor(config: TracingConfig, counters: ExportCounters, log: Logger) {
    const exporter = new CountingExporter(new OTLPTraceExporter({ url: config.otlp, timeoutMillis: EXPORT_TIMEOUT_MS }), counters, log, config.otlp);
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.serviceName, 'service.version': VERSION }),
      sampler: new RecordingSampler(config.sampleRatio),
      spanProcessors: [new KeepErrorsProcessor(new BatchSpanProcessor(exporter, { maxQueueSize: 4096, maxExportBatchSize: 512, scheduledDelayMillis: 1_000, exportTimeoutMillis: EXPORT_TIMEOUT_MS }))],
    });
    this.#tracer = this.#provider.getTracer('switchyard', VERSION);
  }

  requestStart(exchange: Exchange, state: RequestState): void {
    const { req } = exchange;
    const parent = this.#propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const host = req.headers.host ?? '';
    const colon = host.lastIndexOf(':');
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: req.method ?? 'GET',
      [ATTR_URL_PATH]: exchange.path,
      [ATTR_URL_SCHEME]: 'encrypted' in req.socket ? 'https' : 'http',
      [ATTR_SERVER_ADDRESS]: colon > host.indexOf(']') ? host.slice(0, colon) : host,
      [ATTR_CLIENT_ADDRESS]: exchange.remoteAddress,
      [ATTR_NETWORK_PROTOCOL_VERSION]: req.httpVersion,
    };
    if (req.socket.localPort !== undefined) attributes[ATTR_SERVER_PORT] = req.socket.localPort;
    const agent = req.headers['user-agent'];
    if (agent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = agent;
    state.span = this.#tracer.startSpan(req.method ?? 'GET', { kind: SpanKind.SERVER, attributes }, parent);
  }

  attemptStart(message: UpstreamAttemptStartMessage, state: RequestState): ReturnType<Tracer['startSpan']> | undefined {
    if (state.span === undefined) return undefined;
    const method = message.exchange.req.method ?? 'GET';
    const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: method, 'switchyard.upstream': message.upstream };
    if (message.endpoint !== undefined) attributes[ATTR_SERVER_ADDRESS] = message.endpoint;
    if (message.attempt > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = message.attempt - 1;
    if (state.queueWaitNs > 0n) attributes['switchyard.fastcgi.queue_wait_ms'] = Number(state.queueWaitNs) / 1e6;
    const span = this.#tracer.startSpan(`${method} ${message.upstream}`, { kind: SpanKind.CLIENT, attributes }, trace.setSpan(ROOT_CONTEXT, state.span));
    this.#propagator.inject(trace.setSpan(ROOT_CONTEXT, span), message.carrier, defaultTextMapSetter);
    return span;
  }

  attemptEnd(message: UpstreamAttemptEndMessage, span: ReturnType<Tracer['startSpan']>): void {
    if (message.statusCode !== undefined) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, message.statusCode);
    if (message.error !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType(message.error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: message.error instanceof Error ? message.error.message : String(message.error) });
    } else if (message.statusCode !== undefined && message.statusCode >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(message.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }

  /** Ends the server span; returns the trace id when the trace is exported (for exemplars). */
  requestEnd(exchange: Exchange, state: RequestState, status: number, route: string | undefined): string | undefined {
    const span = state.span;
    if (span === undefined) return undefined;
    // Attempts still open: their response is this one (streamed), or the client left.
    for (const attempt of state.attempts.values()) {
      attempt.span?.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      attempt.span?.end();
    }
    const method = exchange.req.method ?? 'GET';
    if (route !== undefined) {
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.updateName(`${method} ${route}`);
    }
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (exchange.upstream !== undefined) span.setAttribute('switchyard.upstream', exchange.upstream);
    if (state.queueWaitNs > 0n) span.setAttribute('switchyard.fastcgi.queue_wait_ms', Number(state.queueWaitNs) / 1e6);
    // Semantic conventions: a server span is an error for 5xx only (4xx is the client's).
    if (status >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
    const ctx = span.spanContext();
    return (ctx.traceFlags & 1) === 1 || status >= 500 ? ctx.traceId : undefined;
  }

  /** Flushes what is queued; a collector that is down loses those spans (already counted). */
  async shutdown(): Promise<void> {
    await this.#provider.shutdown().catch(() => undefined);
  }
}

function errorType(err: unknown): string {
  if (isSwitchyardError(err)) return err.code;
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ?? err.name;
  return 'error';
}
