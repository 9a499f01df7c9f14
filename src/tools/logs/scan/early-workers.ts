/**
 * Worker threads started as soon as the options are read, before the main thread opens the
 * inputs and loads the parser, merge and report modules: a worker takes ~50 ms to start and load
 * its own modules, and that now runs beside the main thread's loading instead of beside its
 * scanning. How many is a guess from the sizes on disk (gzip not yet recognised); run-pool.ts
 * takes as many as the opened inputs need, starts any missing, and `close` stops the rest.
 * This module loads nothing of the scan itself, so that it can run first.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ScanSettings } from '../aggregate/stats.js';
import { threadsForBytes } from './plan.js';
import type { WorkerStart } from './worker-messages.js';
import { workerScript } from '../../../runtime/resources.js';

/** A scan worker, waiting for its jobs (worker-messages.ts `ToWorker`). */
export function spawnScanWorker(settings: ScanSettings): Worker {
  return new Worker(workerScript(new URL('./worker.js', import.meta.url), 'logs-scan.mjs'), { workerData: { settings } satisfies WorkerStart });
}

export class EarlyWorkers {
  readonly #waiting: Worker[] = [];

  /** Starts the workers that `names` (as on the command line) will probably need. */
  static start(names: readonly string[], cwd: string, requested: number, settings: ScanSettings): EarlyWorkers {
    let bytes = 0;
    for (const name of names) {
      if (name === '-') continue;
      try {
        const st = statSync(resolve(cwd, name));
        if (st.isFile()) bytes += st.size;
      } catch {
        // A missing or unreadable input is reported when it is opened, with its own code.
      }
    }
    const early = new EarlyWorkers();
    for (let i = 1; i < threadsForBytes(bytes, requested); i++) {
      const worker = spawnScanWorker(settings);
      // Until it is taken, a worker that fails to start is dropped; run-pool.ts starts another,
      // whose failure it reports.
      worker.once('error', () => early.#drop(worker));
      early.#waiting.push(worker);
    }
    return early;
  }

  /** Hands over up to `n` started workers; the caller terminates them. */
  take(n: number): Worker[] {
    const taken = this.#waiting.splice(0, n);
    for (const worker of taken) worker.removeAllListeners('error');
    return taken;
  }

  /** Stops the workers nobody took (fewer were needed, or the command failed before its scan). */
  async close(): Promise<void> {
    await Promise.all(this.#waiting.splice(0).map((w) => w.terminate()));
  }

  #drop(worker: Worker): void {
    const i = this.#waiting.indexOf(worker);
    if (i !== -1) this.#waiting.splice(i, 1);
  }
}
