/** What the primary and its gateway workers say to each other over the cluster IPC channel. */
import type { ReloadOutcome } from '../admin/endpoint.js';
import type { UpstreamView } from '../cluster/upstream-view.js';

export type PrimaryMessage = { readonly type: 'upstreams'; readonly id: number } | { readonly type: 'reload'; readonly id: number };

export type WorkerMessage =
  | { readonly type: 'ready'; readonly listen: readonly string[]; readonly admin: string | undefined }
  | { readonly type: 'upstreams'; readonly id: number; readonly pid: number; readonly views: readonly UpstreamView[] }
  | { readonly type: 'reload'; readonly id: number; readonly outcome: ReloadOutcome };
