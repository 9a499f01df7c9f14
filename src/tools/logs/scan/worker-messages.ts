/**
 * What the scan pool hands its worker threads and what they send back. Jobs are claimed through
 * a shared counter (`Atomics.add`), not handed out by message: a message waits until the main
 * thread, itself scanning, gets back to its event loop, and the worker idled meanwhile. A worker
 * counts all its jobs into one set of totals and sends them once, when no job is left: merging
 * a snapshot per job cost the main thread more than the parsing it spread out.
 */
import type { ScanSettings, StatsSnapshot } from '../aggregate/stats.js';
import type { Job } from './plan.js';

/** A worker's `workerData`: it starts before the inputs are opened (early-workers.ts), so without jobs. */
export interface WorkerStart {
  readonly settings: ScanSettings;
}

/** The one message a worker gets: the jobs, once the inputs are opened and cut. */
export interface ToWorker {
  readonly jobs: readonly Job[];
  /** One Int32 on a SharedArrayBuffer: the index of the next job to claim. */
  readonly next: Int32Array;
}

export type FromWorker =
  | { readonly kind: 'progress'; readonly bytes: number }
  | { readonly kind: 'done'; readonly job: number; readonly lines: number }
  | { readonly kind: 'totals'; readonly snapshot: StatsSnapshot }
  | { readonly kind: 'failed'; readonly job: number; readonly message: string };
