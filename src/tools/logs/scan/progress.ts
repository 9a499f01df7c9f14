/**
 * The progress bar for long scans (SPEC section 1): drawn on stderr when it is a terminal, and
 * nothing at all on a pipe, so redirected output stays clean. cli-progress is loaded only when a
 * bar is drawn: on a pipe it would be start-up time for nothing.
 */
import type { CliOutput } from '../../../cli/io.js';

export interface Progress {
  add(bytes: number): void;
  stop(): void;
}

const SILENT: Progress = { add: () => {}, stop: () => {} };

export async function progressBar(stream: CliOutput, totalBytes: number): Promise<Progress> {
  if (stream.isTTY !== true || totalBytes === 0) return SILENT;
  const { SingleBar } = await import('cli-progress');
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: 'reading logs [{bar}] {percentage}% | {done} of {all} MiB | eta {eta}s',
    hideCursor: true,
    clearOnComplete: true,
  });
  const mib = (n: number): string => (n / 1048576).toFixed(1);
  let done = 0;
  bar.start(totalBytes, 0, { done: mib(0), all: mib(totalBytes) });
  return {
    add(bytes) {
      // gzip inputs count inflated bytes against their compressed size: never overshoot.
      done = Math.min(totalBytes, done + bytes);
      bar.update(done, { done: mib(done) });
    },
    stop() {
      bar.stop();
    },
  };
}
