/**
 * The contract of one admin endpoint, and what every endpoint may reach: the running gateway and
 * the reload entry point. New capabilities add an endpoint module and list it in endpoints.ts.
 */
import type { Exchange, ExchangeResponse } from '../listener/exchange.js';
import type { Gateway } from '../gateway/gateway.js';
import type { UpstreamView } from '../cluster/upstream-view.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { SenseLog } from '../sense/sense-log.js';
import type { ShieldBlocks } from '../shield/shield-blocks.js';

export type ReloadOutcome = { readonly reloaded: true } | { readonly reloaded: false; readonly problems: readonly string[] };

export interface AdminContext {
  readonly gateway: Gateway;
  readonly reload: () => Promise<ReloadOutcome>;
  /** Upstream views gathered from every worker process; absent in a single process (read `gateway`). */
  readonly upstreams?: () => Promise<readonly UpstreamView[]>;
  /** Metrics, heatmaps, correlation; undefined when `telemetry.metrics` is off and tracing unset. */
  readonly telemetry?: Telemetry | undefined;
  /** The kernel sensor's events (`switchyard sense`); absent in the primary of several workers. */
  readonly sense?: SenseLog | undefined;
  /** The shield's recent blocks (`GET /admin/shield`); absent in the primary of several workers. */
  readonly shieldBlocks?: ShieldBlocks | undefined;
  /** Whether this process takes traffic (`GET /ready`); absent means ready while it answers. */
  readonly readiness?: () => Readiness;
}

/** `ready`, or why not: still starting (with what is missing) or draining after SIGTERM. */
export type Readiness = { readonly state: 'ready' } | { readonly state: 'starting'; readonly detail: string } | { readonly state: 'draining' };

export interface AdminEndpoint {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Reachable without the admin token (health probes). */
  readonly open?: boolean;
  /** The token may also come as `?token=` (a page opened from a link, like the dashboard). */
  readonly tokenInQuery?: boolean;
  handle(exchange: Exchange, context: AdminContext): Promise<void>;
}

/** Writes a JSON (or, for a string, plain text) admin response. */
export function sendJson(res: ExchangeResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? `${body}\n` : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' }).end(text);
}
