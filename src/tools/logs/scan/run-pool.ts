/**
 * Spreads jobs over threads (SPEC section 7: use all cores) and merges what they count. The
 * calling thread is one of them: it takes jobs from the same queue as `threads - 1` workers and
 * counts straight into the result, so one worker fewer starts (about 30 ms to load the parser
 * modules) and one snapshot fewer is posted and merged (with 166k distinct paths a worker's
 * snapshot took ~100 ms to clone and add in, while the main thread sat idle during the scan).
 * With a single job, or `--jobs 1`, no worker starts at all.
 */
import type { Worker } from 'node:worker_threads';
import { SwitchyardError } from '../../../errors.js';
import { Stats, type ScanSettings } from '../aggregate/stats.js';
import { spawnScanWorker, type EarlyWorkers } from './early-workers.js';
import type { Job } from './plan.js';
import { scanJob } from './scan-job.js';
import type { FromWorker, ToWorker } from './worker-messages.js';

export interface PoolResult {
  readonly stats: Stats;
  /** Line count of each job, keyed `source:chunk`, to number malformed lines across ranges. */
  readonly lines: ReadonlyMap<string, number>;
}

/** A read or inflate failure in the middle of a scan (a truncated gzip file, a vanished disk). */
function unreadable(job: Job | undefined, message: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_FILE_UNREADABLE', `cannot read ${job?.path ?? 'input'}: ${message}`);
}

export async function runPool(
  jobs: readonly Job[],
  threads: number,
  settings: ScanSettings,
  onBytes: (n: number) => void,
  early?: EarlyWorkers,
): Promise<PoolResult> {
  const stats = new Stats(settings);
  const lines = new Map<string, number>();
  // Every thread claims the next job from this counter (worker-messages.ts says why).
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workers: Worker[] = [];
  const wanted = Math.max(0, Math.min(threads, jobs.length) - 1);
  const started = early?.take(wanted) ?? [];
  // Workers started early that this scan does not need hold memory until stopped.
  const closing = early?.close();
  const scanHere = async (): Promise<void> => {
    for (let job = jobs[Atomics.add(next, 0, 1)]; job !== undefined; job = jobs[Atomics.add(next, 0, 1)]) {
      try {
        const result = await scanJob(job, settings, onBytes, stats);
        lines.set(`${job.source}:${job.chunk}`, result.lines);
      } catch (err) {
        throw unreadable(job, err instanceof Error ? err.message : String(err));
      }
    }
  };
  if (wanted === 0) {
    await Promise.all([scanHere(), closing]);
    return { stats, lines };
  }
  const runWorker = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = started.pop() ?? spawnScanWorker(settings);
      workers.push(worker);
      worker.postMessage({ jobs, next } satisfies ToWorker);
      worker.on('message', (msg: FromWorker) => {
        if (msg.kind === 'progress') onBytes(msg.bytes);
        else if (msg.kind === 'done') {
          const job = jobs[msg.job] as Job;
          lines.set(`${job.source}:${job.chunk}`, msg.lines);
        } else if (msg.kind === 'totals') {
          stats.merge(msg.snapshot);
          void worker.terminate().then(() => resolve());
        } else {
          reject(unreadable(jobs[msg.job], msg.message));
        }
      });
      worker.on('error', reject);
    });
  try {
    // The workers get their jobs first: the main thread's first read holds it for a while.
    await Promise.all([...Array.from({ length: wanted }, runWorker), scanHere()]);
  } finally {
    // After a failure the other threads would keep the process alive with work nobody awaits.
    await Promise.all([...workers.map((w) => w.terminate()), closing]);
  }
  return { stats, lines };
}
