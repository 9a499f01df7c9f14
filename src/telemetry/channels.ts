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

/**
 * One try of an upstream (a retry is a new attempt with the next number). `carrier` starts empty:
 * a subscriber may put propagation headers in it (tracing adds `traceparent`), and the upstream
 * sends them on: as HTTP headers, as FastCGI `HTTP_*` params, as gRPC metadata.
 */
export interface UpstreamAttemptStartMessage {
  readonly exchange: Exchange;
  readonly upstream: string;
  /** 1 for the first try. */
  readonly attempt: number;
  /** The endpoint tried (URL or socket address), when the upstream knows it at this point. */
  readonly endpoint?: string;
  readonly carrier: Record<string, string>;
}

export interface UpstreamAttemptEndMessage {
  readonly start: UpstreamAttemptStartMessage;
  /** Status of the upstream's response, when one came back. */
  readonly statusCode?: number;
  /** Why the attempt failed, when it did. */
  readonly error?: unknown;
}

export interface FastcgiQueueWaitMessage {
  readonly exchange: Exchange;
  readonly upstream: string;
  /** Nanoseconds spent waiting for a php-fpm slot (0n when one was free). */
  readonly waitNs: bigint;
  /** False when the request was turned away (queue full, queue timeout, client gone). */
  readonly admitted: boolean;
}

export interface ShieldMatchMessage {
  readonly exchange: Exchange;
  readonly rule: number;
  readonly category: string;
  /** `block`: the request was answered 403/400; `log`: it went on. */
  readonly action: 'block' | 'log';
  /** What matched, in ModSecurity's words (`ARGS:page`, `REQUEST_FILENAME`). */
  readonly part: string;
}

export interface ContractViolationMessage {
  readonly exchange: Exchange;
  /** The route's name, else its path (the metrics' route label). */
  readonly route: string;
  /** `request`: answered 400; `response`: passed on, or replaced by a 502 when enforced. */
  readonly side: 'request' | 'response';
  readonly violations: number;
}

export const channels = {
  /** A request has been parsed and given its id; nothing is routed yet. */
  requestStart: channel('switchyard:request:start'),
  /** The response has closed (finished or cut); `exchange.match` and `exchange.upstream` are set if they were reached. */
  requestEnd: channel('switchyard:request:end'),
  /** An upstream attempt begins, before its request is sent; subscribers may fill `carrier`. */
  upstreamAttemptStart: channel('switchyard:upstream:attempt:start'),
  /** The attempt got its response head, or failed. */
  upstreamAttemptEnd: channel('switchyard:upstream:attempt:end'),
  /** A FastCGI request left the admission queue (admitted or turned away). */
  fastcgiQueueWait: channel('switchyard:fastcgi:queue:wait'),
  /** A shield rule matched a request (src/shield). */
  shieldMatch: channel('switchyard:shield:match'),
  /** A request or response broke its route's OpenAPI contract (src/contract). */
  contractViolation: channel('switchyard:contract:violation'),
} as const;
