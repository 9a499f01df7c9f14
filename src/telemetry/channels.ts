/**
 * The named points where the gateway reports what happens, as `node:diagnostics_channel`
 * channels (undici does the same). Metrics, tracing, heatmaps and the access log subscribe here;
 * the request path only publishes, and publishing to a channel nobody listens to costs a check.
 * Every channel is declared in this file, with the shape of its message.
 */
import { channel } from 'node:diagnostics_channel';
import type { Exchange } from '../listener/exchange.js';

export interface RequestStartMessage {
  readonly exchange: Exchange;
}

export interface RequestEndMessage {
  readonly exchange: Exchange;
  /** Nanoseconds from the first byte of the request to the response's close. */
  readonly durationNs: bigint;
}

export const channels = {
  /** A request has been parsed and given its id; nothing is routed yet. */
  requestStart: channel('switchyard:request:start'),
  /** The response has closed (finished or cut); `exchange.match` and `exchange.upstream` are set if they were reached. */
  requestEnd: channel('switchyard:request:end'),
} as const;
