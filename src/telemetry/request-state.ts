/**
 * What telemetry learns about one request between its start and end channel messages: its trace
 * (ids, parent, whether it is sampled), its upstream attempts and queue wait. Spans are made from
 * this only at the request's end, and only when they will be exported. Kept on the exchange
 * (Exchange.telemetryState). Kept small on purpose: most
 * requests are unsampled and succeed, and every byte allocated per request is paid again in the
 * gateway's young-generation GC, where each scavenge copies the live objects of every request in
 * flight.
 */
import type { SpanContext } from '@opentelemetry/api';
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
  /** The attempt's span id, sent upstream in `traceparent`; undefined without tracing. */
  spanId: string | undefined;
  /** How the attempt ended (status or error); undefined while it is open. */
  end: UpstreamAttemptEndMessage | undefined;
}

export interface RequestState {
  /** The request's trace id (the client's, or a new one); undefined without tracing. */
  traceId: string | undefined;
  /** A sampled trace's spans are exported whatever the status; others only after a 5xx. */
  sampled: boolean;
  /** A new trace's first attempt's `traceparent`, made with its id (new-traces.ts); undefined once used. */
  traceparent: string | undefined;
  /** The client's span context, when the request continues its trace. */
  parent: SpanContext | undefined;
  queueWaitMs: number;
  /** Every attempt, open (`endedAt` 0) and ended, in start order; usually one (made with the first). */
  attempts: AttemptState[] | undefined;
}

/**
 * A field on the exchange rather than a WeakMap keyed by it: a WeakMap entry per request cost a
 * set and a delete in a hash table, and every scavenge walks the ephemeron table of requests in
 * flight.
 */
export function stateOf(exchange: Exchange): RequestState {
  let state = exchange.telemetryState;
  if (state === undefined) {
    state = { traceId: undefined, sampled: false, traceparent: undefined, parent: undefined, queueWaitMs: 0, attempts: undefined };
    exchange.telemetryState = state;
  }
  return state;
}

export function openAttempt(message: UpstreamAttemptStartMessage): AttemptState | undefined {
  const attempts = message.exchange.telemetryState?.attempts;
  if (attempts === undefined) return undefined;
  for (const attempt of attempts) if (attempt.message === message) return attempt.endedAt === 0 ? attempt : undefined;
  return undefined;
}

export function addAttempt(state: RequestState, attempt: AttemptState): void {
  // An array literal of one: push on an empty array would reserve room for 16.
  if (state.attempts === undefined) state.attempts = [attempt];
  else state.attempts.push(attempt);
}

export function takeState(exchange: Exchange): RequestState | undefined {
  const state = exchange.telemetryState;
  if (state !== undefined) exchange.telemetryState = undefined;
  return state;
}
