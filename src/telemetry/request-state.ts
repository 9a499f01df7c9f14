/**
 * What telemetry learns about one request between its start and end channel messages: the
 * server span, the open upstream attempts, queue wait and upstream time. Kept in a WeakMap keyed
 * by the exchange so the request path carries nothing extra.
 */
import type { Span } from '@opentelemetry/api';
import type { Exchange } from '../listener/exchange.js';
import type { UpstreamAttemptStartMessage } from './channels.js';

export interface AttemptState {
  readonly startedAt: bigint;
  span: Span | undefined;
  /** Set when the request ended first (an upstream that reports its end after the body). */
  closed: boolean;
}

export interface RequestState {
  span: Span | undefined;
  queueWaitNs: bigint;
  upstreamNs: bigint;
  readonly attempts: Map<UpstreamAttemptStartMessage, AttemptState>;
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
  states.get(message.exchange)?.attempts.delete(message);
  return attempt;
}

export function stateOf(exchange: Exchange): RequestState {
  let state = states.get(exchange);
  if (state === undefined) {
    state = { span: undefined, queueWaitNs: 0n, upstreamNs: 0n, attempts: new Map() };
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
