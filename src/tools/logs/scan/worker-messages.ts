/**
 * The messages between the scan pool and its worker threads. A worker counts all its jobs into
 * one set of totals and sends them once, when told there is no more work: merging a snapshot
 * per job cost the main thread more than the parsing it spread out.
 */
import type { StatsSnapshot } from '../aggregate/stats.js';
import type { Job } from './plan.js';

export type ToWorker =
  | { readonly kind: 'job'; readonly job: Job; readonly maxSamples: number }
  | { readonly kind: 'finish' };

export type FromWorker =
  | { readonly kind: 'progress'; readonly bytes: number }
  | { readonly kind: 'done'; readonly lines: number }
  | { readonly kind: 'totals'; readonly snapshot: StatsSnapshot }
  | { readonly kind: 'failed'; readonly message: string };
