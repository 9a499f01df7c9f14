/** What the primary and its gateway workers say to each other over the cluster IPC channel. */
import type { ReloadOutcome } from '../admin/endpoint.js';
import type { ErrorCode } from '../errors.js';
import type { UpstreamView } from '../cluster/upstream-view.js';
import type { WorkerMetrics } from './merged-metrics.js';
import type { RateLeaseGrant, RateLeaseRequest } from '../plugins/rate-limit/lease-messages.js';

export type PrimaryMessage =
  | { readonly type: 'upstreams'; readonly id: number }
  | { readonly type: 'reload'; readonly id: number }
  | { readonly type: 'metrics'; readonly id: number }
  | RateLeaseGrant;

export type WorkerMessage =
  | { readonly type: 'ready'; readonly listen: readonly string[]; readonly admin: string | undefined }
  /** The worker could not start (a listen address is taken, ...): the primary reports this and exits. */
  | { readonly type: 'failed'; readonly code: ErrorCode; readonly message: string }
  | { readonly type: 'upstreams'; readonly id: number; readonly pid: number; readonly views: readonly UpstreamView[] }
  | { readonly type: 'reload'; readonly id: number; readonly outcome: ReloadOutcome }
  /** The worker's registry (prom-client's JSON form); undefined when its telemetry is off. */
  | { readonly type: 'metrics'; readonly id: number; readonly metrics: WorkerMetrics | undefined }
  /** A `store: memory` rate limit asks the primary for tokens (src/plugins/rate-limit/lease-store.ts). */
  | RateLeaseRequest;
