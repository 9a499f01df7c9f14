/**
 * A progress bar on a TTY (stderr), nothing on a pipe: SPEC section 1 "long work shows progress".
 * The bar's library is loaded only for a terminal: a CI or hook run, on a pipe, does not pay for it.
 */
import { createRequire } from 'node:module';
import type { CliOutput } from '../../../cli/io.js';

const load = createRequire(import.meta.url);

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function progressOn(stream: CliOutput, label: string): Progress {
  if (stream.isTTY !== true) return { update() {}, stop() {} };
  const { SingleBar } = load('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({ stream: stream as NodeJS.WritableStream, format: `${label} [{bar}] {value}/{total}`, clearOnComplete: true, hideCursor: true });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
