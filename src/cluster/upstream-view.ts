/**
 * What `GET /admin/upstreams` shows of one upstream: endpoints with health and ejection state,
 * circuit-breaker load and overflows, the connection table. Plain JSON, so the primary process
 * can merge the views its workers send over IPC.
 */
import type { ConnectionCounters, ConnectionView } from './connection-table.js';

export interface EndpointView {
  readonly url: string;
  readonly zone: string | undefined;
  readonly priority: number;
  readonly weight: number;
  readonly healthy: boolean;
  readonly lastProbe: string | undefined;
  readonly ejection: 'none' | 'ejected' | 'half-open';
  readonly ejectedUntil: string | undefined;
  readonly ejections: number;
  readonly activeRequests: number;
}

export interface UpstreamView {
  readonly name: string;
  readonly type: string;
  /** The worker process the view came from (set by the multi-process primary). */
  readonly worker?: number;
  readonly endpoints: readonly EndpointView[];
  readonly circuitBreaker?: {
    readonly limits: Readonly<Record<string, number>>;
    readonly current: { readonly requests: number; readonly pending: number; readonly retries: number };
    readonly overflows: Readonly<Record<string, number>>;
  };
  readonly ejectionsTotal?: Readonly<Record<string, number>>;
  readonly connections: readonly ConnectionView[];
  readonly counters: ConnectionCounters;
  readonly lastError: { readonly endpoint: string; readonly error: string; readonly at: string } | undefined;
}
