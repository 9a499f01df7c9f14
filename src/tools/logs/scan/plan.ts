/**
 * Cuts the inputs into jobs for the worker threads. A plain file is cut into byte ranges that
 * each start at a line boundary (see read-range.ts), so every core gets a share of one big log;
 * a gzip file cannot be entered mid-stream and a W3C file needs its `#Fields:` header, so each
 * of those is one job.
 */
import type { FormatSpec } from '../format/layout.js';

export interface Input {
  /** As the user named it, for messages. */
  readonly name: string;
  /** Absolute path; undefined for stdin. */
  readonly path: string | undefined;
  readonly gzip: boolean;
  /** Bytes on disk (compressed size for gzip), 0 for stdin. */
  readonly size: number;
  readonly spec: FormatSpec;
}

export interface Job {
  readonly source: number;
  readonly chunk: number;
  readonly path: string;
  readonly gzip: boolean;
  readonly start: number;
  /** Exclusive; the job finishes the line that straddles it. */
  readonly end: number;
  readonly spec: FormatSpec;
}

/** Ranges smaller than this cost more in thread messages than they save. */
const MIN_RANGE = 4 * 1024 * 1024;
/**
 * Ranges larger than this leave a thread idle too long at the end: when one thread takes the
 * last range, the others wait for it. With four ranges per thread of a 1.1 GB log, a range took
 * ~0.7 s and the main thread waited ~0.25 s for the worker; at 8 MiB a range takes ~50 ms.
 */
const MAX_RANGE = 8 * 1024 * 1024;

export function planJobs(inputs: readonly Input[], workers: number, minRange = MIN_RANGE): Job[] {
  const total = inputs.reduce((sum, i) => sum + i.size, 0);
  // At least four ranges per worker keeps the cores busy when ranges parse at uneven speeds.
  const target = Math.max(minRange, Math.min(MAX_RANGE, Math.ceil(total / (workers * 4))));
  const jobs: Job[] = [];
  inputs.forEach((input, source) => {
    if (input.path === undefined) return;
    const whole = input.gzip || input.spec.kind === 'w3c';
    const ranges = whole ? 1 : Math.max(1, Math.ceil(input.size / target));
    const step = Math.ceil(input.size / ranges);
    for (let chunk = 0; chunk < ranges; chunk++) {
      const start = chunk * step;
      const end = whole ? Infinity : Math.min(input.size, start + step);
      jobs.push({ source, chunk, path: input.path, gzip: input.gzip, start, end, spec: input.spec });
    }
  });
  return jobs;
}
