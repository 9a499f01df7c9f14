/**
 * What telemetry learns about one request between its start and end channel messages: the
 * server span, the open upstream attempts, queue wait and upstream time. Kept in a WeakMap keyed
 * by the exchange so the request path carries nothing extra.
 */
import type { Span, SpanContext } from '@opentelemetry/api';
import type { Exchange } from '../listener/exchange.js';
import type { UpstreamAttemptStartMessage } from './channels.js';

export interface AttemptState {
  readonly startedAt: bigint;
  /** The client span, for a sampled request. */
  span: Span | undefined;
  /** For an unsampled request: what its client span would hold, made only if it ends in a 5xx. */
  deferred: DeferredSpan | undefined;
  /** Set when the request ended first (an upstream that reports its end after the body). */
  closed: boolean;
}

/** A span of an unsampled request, kept as plain data until the request's status is known. */
export interface DeferredSpan {
  readonly spanId: string;
  readonly name: string;
  /** Epoch ms. */
  readonly start: number;
  end: number;
  readonly attributes: Record<string, string | number>;
  error: string | undefined;
}

export interface RequestState {
  span: Span | undefined;
  /** Set instead of `span` for an unsampled request. */
  deferred: (DeferredSpan & { readonly traceId: string; readonly parent: SpanContext | undefined }) | undefined;
  queueWaitNs: bigint;
  upstreamNs: bigint;
  readonly attempts: Map<UpstreamAttemptStartMessage, AttemptState>;
  /** Ended attempts of an unsampled request, kept in case it ends in a 5xx. */
  readonly finished: AttemptState[];
}

const states = new WeakMap<Exchange, RequestState>();
const attempts = new WeakMap<UpstreamAttemptStartMessage, AttemptState>();

export function startAttempt(message: UpstreamAttemptStartMessage, attempt: AttemptState): void {
  attempts.set(message, attempt);
  stateOf(message.exchange).attempts.set(message, attempt);
}

/** The attempt of a start message, removed from its request's open attempts. */
export function takeAttempt(message: UpstreamAttemptStartMessage): AttemptState | undefined {
  const attempt = attempts.get(message);
  attempts.delete(message);
  const state = states.get(message.exchange);
  state?.attempts.delete(message);
  if (attempt?.deferred !== undefined) state?.finished.push(attempt);
  return attempt;
}

export function stateOf(exchange: Exchange): RequestState {
  let state = states.get(exchange);
  if (state === undefined) {
    state = { span: undefined, deferred: undefined, queueWaitNs: 0n, upstreamNs: 0n, attempts: new Map(), finished: [] };
    states.set(exchange, state);
  }
  return state;
}

/** The state, removed: called once, at the request's end. */
export function takeState(exchange: Exchange): RequestState | undefined {
  const state = states.get(exchange);
  states.delete(exchange);
  return state;
}
