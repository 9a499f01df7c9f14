/**
 * Worker-thread entry: takes jobs from the pool one at a time into one set of totals, and sends
 * those totals when the pool says it is finished. Progress is reported in batches so that
 * messages stay rare next to the parsing work.
 */
import { parentPort } from 'node:worker_threads';
import { Stats } from '../aggregate/stats.js';
import type { Job } from './plan.js';
import { scanJob } from './scan-job.js';
import type { FromWorker, ToWorker } from './worker-messages.js';

const port = parentPort;
if (port === null) throw new TypeError('scan/worker.js must run in a worker thread');

const PROGRESS_EVERY = 4 * 1024 * 1024;
let stats: Stats | undefined;

port.on('message', (msg: ToWorker) => {
  if (msg.kind === 'job') void run(msg.job, msg.maxSamples);
  else post({ kind: 'totals', snapshot: (stats ?? new Stats(0)).snapshot() });
});

async function run(job: Job, maxSamples: number): Promise<void> {
  let pending = 0;
  stats ??= new Stats(maxSamples);
  try {
    const result = await scanJob(
      job,
      maxSamples,
      (n) => {
        pending += n;
        if (pending >= PROGRESS_EVERY) {
          post({ kind: 'progress', bytes: pending });
          pending = 0;
        }
      },
      stats,
    );
    if (pending > 0) post({ kind: 'progress', bytes: pending });
    post({ kind: 'done', lines: result.lines });
  } catch (err) {
    post({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
  }
}

function post(msg: FromWorker): void {
  (port as NonNullable<typeof port>).postMessage(msg);
}
