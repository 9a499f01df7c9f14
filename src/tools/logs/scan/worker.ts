/**
 * Worker-thread entry: loads the scan modules and waits for its jobs (it may start before the
 * inputs are opened, see early-workers.ts), claims them until none is left (see
 * worker-messages.ts), counts them all into one set of totals and sends those once. Progress is reported in batches so that messages
 * stay rare next to the parsing work.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { transferables } from '../aggregate/key-table.js';
import { Stats } from '../aggregate/stats.js';
import { scanJob } from './scan-job.js';
import type { FromWorker, ToWorker, WorkerStart } from './worker-messages.js';

const port = parentPort;
if (port === null) throw new TypeError('scan/worker.js must run in a worker thread');

const PROGRESS_EVERY = 4 * 1024 * 1024;
const { settings } = workerData as WorkerStart;

function post(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  (port as NonNullable<typeof port>).postMessage(msg, transfer);
}

async function run({ jobs, next }: ToWorker): Promise<void> {
  const stats = new Stats(settings);
  let pending = 0;
  const onBytes = (n: number): void => {
    pending += n;
    if (pending >= PROGRESS_EVERY) {
      post({ kind: 'progress', bytes: pending });
      pending = 0;
    }
  };
  for (let i = Atomics.add(next, 0, 1); i < jobs.length; i = Atomics.add(next, 0, 1)) {
    try {
      const result = await scanJob(jobs[i] as (typeof jobs)[number], settings, onBytes, stats);
      post({ kind: 'done', job: i, lines: result.lines });
    } catch (err) {
      post({ kind: 'failed', job: i, message: err instanceof Error ? err.message : String(err) });
      return;
    }
  }
  if (pending > 0) post({ kind: 'progress', bytes: pending });
  // The key tables' buffers move to the main thread instead of being copied.
  const snapshot = stats.snapshot();
  post({ kind: 'totals', snapshot }, [snapshot.clients, snapshot.userAgents, snapshot.referrers, snapshot.paths].flatMap(transferables));
}

port.once('message', (msg: ToWorker) => void run(msg));
