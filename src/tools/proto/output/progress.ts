/** A progress bar on a TTY (stderr), nothing on a pipe: SPEC section 1 "long work shows progress". */
import { SingleBar } from 'cli-progress';
import type { CliOutput } from '../../../cli/io.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export function progressOn(stream: CliOutput, label: string): Progress {
  if (stream.isTTY !== true) return { update() {}, stop() {} };
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
