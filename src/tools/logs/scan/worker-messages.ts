/** The messages between the scan pool and its worker threads. */
import type { StatsSnapshot } from '../aggregate/stats.js';
import type { Job } from './plan.js';

export interface ToWorker {
  readonly job: Job;
  readonly maxSamples: number;
}

export type FromWorker =
  | { readonly kind: 'progress'; readonly bytes: number }
  | { readonly kind: 'done'; readonly snapshot: StatsSnapshot; readonly lines: number }
  | { readonly kind: 'failed'; readonly message: string };
