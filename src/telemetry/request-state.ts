/**
 * What telemetry learns about one request between its start and end channel messages: the
 * server span (or, for an unsampled request, the trace id it sent upstream), its upstream
 * attempts and queue wait. Kept in a WeakMap keyed by the exchange so the request
 * path carries nothing extra. Kept small on purpose: most requests are unsampled and succeed, and
 * every byte allocated per request is paid again in the gateway's young-generation GC, where
 * each scavenge copies the live objects of every request in flight.
 */
import type { Span, SpanContext } from '@opentelemetry/api';
import type { Exchange } from '../listener/exchange.js';
import type { UpstreamAttemptEndMessage, UpstreamAttemptStartMessage } from './channels.js';

export interface AttemptState {
  readonly message: UpstreamAttemptStartMessage;
  /** Epoch ms (nowMs). */
  readonly startedAt: number;
  /** Epoch ms the attempt reported its end; 0 while it is open. */
  endedAt: number;
  /** The request's queue wait (ms) when the attempt started: an attribute of its span. */
  readonly queueWaitMs: number;
  /** The client span, for a sampled request. */
  span: Span | undefined;
  /**
   * For an unsampled request: the span id sent upstream in `traceparent`. Its span is made,
   * from `message` and `end`, only if the request ends in a 5xx.
   */
  spanId: string | undefined;
  /** How the attempt ended (status or error), for an unsampled request's deferred span. */
  end: UpstreamAttemptEndMessage | undefined;
}

export interface RequestState {
  span: Span | undefined;
  /** Set instead of `span` for an unsampled request: its trace id, already sent upstream. */
  traceId: string | undefined;
  /** The client's span context, for an unsampled request that continues one. */
  parent: SpanContext | undefined;
  /** Epoch ms the request started, for an unsampled request's deferred server span. */
  startedAt: number;
  queueWaitMs: number;
  /** Every attempt, open (`endedAt` 0) and ended, in start order; usually one (made with the first). */
  attempts: AttemptState[] | undefined;
}

const states = new WeakMap<Exchange, RequestState>();

export function stateOf(exchange: Exchange): RequestState {
  let state = states.get(exchange);
  if (state === undefined) {
    state = { span: undefined, traceId: undefined, parent: undefined, startedAt: 0, queueWaitMs: 0, attempts: undefined };
    states.set(exchange, state);
  }
  return state;
}

/** The open attempt a start message began, if its request has not ended yet. */
export function openAttempt(message: UpstreamAttemptStartMessage): AttemptState | undefined {
  const attempts = states.get(message.exchange)?.attempts;
  if (attempts === undefined) return undefined;
  for (const attempt of attempts) if (attempt.message === message) return attempt.endedAt === 0 ? attempt : undefined;
  return undefined;
}

export function addAttempt(state: RequestState, attempt: AttemptState): void {
  // An array literal of one: push on an empty array would reserve room for 16.
  if (state.attempts === undefined) state.attempts = [attempt];
  else state.attempts.push(attempt);
}

/** The state, removed: called once, at the request's end. */
export function takeState(exchange: Exchange): RequestState | undefined {
  const state = states.get(exchange);
  if (state !== undefined) states.delete(exchange);
  return state;
}
