/**
 * A gRPC call through the gateway as the telemetry channels' upstream attempt
 * (src/telemetry/channels.ts), so tracing gives it a client span and puts `traceparent` into the
 * call's metadata (the carrier is the request's outgoing fields), and metrics see it, as they do
 * for http attempts. Nothing is made when no one subscribes.
 */
import type { OutgoingHttpHeaders } from 'node:http2';
import type { Exchange } from '../../listener/exchange.js';
import { channels, type UpstreamAttemptEndMessage, type UpstreamAttemptStartMessage } from '../../telemetry/channels.js';

export function attemptStarted(exchange: Exchange, upstream: string, fields: OutgoingHttpHeaders): UpstreamAttemptStartMessage | undefined {
  if (!channels.upstreamAttemptStart.hasSubscribers && !channels.upstreamAttemptEnd.hasSubscribers) return undefined;
  const start: UpstreamAttemptStartMessage = { exchange, upstream, attempt: 1, carrier: fields as Record<string, string> };
  if (channels.upstreamAttemptStart.hasSubscribers) channels.upstreamAttemptStart.publish(start);
  return start;
}

export function attemptEnded(start: UpstreamAttemptStartMessage | undefined, outcome: { readonly statusCode: number } | { readonly error: unknown }): void {
  if (start !== undefined && channels.upstreamAttemptEnd.hasSubscribers) channels.upstreamAttemptEnd.publish({ start, ...outcome } satisfies UpstreamAttemptEndMessage);
}
