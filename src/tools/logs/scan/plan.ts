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

/** Ranges smaller than this cost more in thread messages than they save (the last few excepted, see TAIL_RANGE). */
const MIN_RANGE = 4 * 1024 * 1024;
/**
 * Ranges larger than this leave a thread idle too long at the end: when one thread takes the
 * last range, the others wait for it. With four ranges per thread of a 1.1 GB log, a range took
 * ~0.7 s and the main thread waited ~0.25 s for the worker; at 8 MiB a range takes ~50 ms.
 */
const MAX_RANGE = 8 * 1024 * 1024;
/**
 * The last ranges shrink down to this (guided self-scheduling, Polychronopoulos and Kuck, 1987):
 * a range is at most the bytes left shared among twice the threads, so the thread that takes the
 * last one finishes a few ms after the others instead of up to a whole 8 MiB range (~40 ms).
 */
const TAIL_RANGE = 1024 * 1024;
/**
 * A worker thread takes ~50 ms to start and load its modules, and its first MiB runs before the
 * JIT has compiled the parser (~70 ms more, 10x slower than later): on an input smaller than
 * this per thread, the main thread alone is done before a worker would have helped, and the
 * worker's start and its tables' merge are pure cost. 50,000 lines (11 MB) took 0.4 s of CPU on
 * one thread and 0.6 s on two, and were not done sooner.
 */
const BYTES_PER_THREAD = 32 * 1024 * 1024;
/** How much larger an access log is inflated than gzipped, for the estimate above. */
const GZIP_RATIO = 8;

/** Threads worth starting for these inputs: at most `requested`, one per `BYTES_PER_THREAD` of input. */
export function threadsFor(inputs: readonly Input[], requested: number): number {
  return threadsForBytes(inputs.reduce((sum, i) => sum + (i.path === undefined ? 0 : i.gzip ? i.size * GZIP_RATIO : i.size), 0), requested);
}

/** `threadsFor` by the number of bytes to parse. */
export function threadsForBytes(bytes: number, requested: number): number {
  return Math.max(1, Math.min(requested, Math.floor(bytes / BYTES_PER_THREAD)));
}

export function planJobs(inputs: readonly Input[], workers: number, minRange = MIN_RANGE): Job[] {
  let left = inputs.reduce((sum, i) => sum + (i.path === undefined ? 0 : i.size), 0);
  // At least four ranges per worker keeps the cores busy when ranges parse at uneven speeds.
  const target = Math.max(minRange, Math.min(MAX_RANGE, Math.ceil(left / (workers * 4))));
  const tail = workers > 1 ? Math.min(target, TAIL_RANGE) : target; // one thread waits for no other
  const jobs: Job[] = [];
  inputs.forEach((input, source) => {
    if (input.path === undefined) return;
    if (input.gzip || input.spec.kind === 'w3c') {
      jobs.push({ source, chunk: 0, path: input.path, gzip: input.gzip, start: 0, end: Infinity, spec: input.spec });
      left -= input.size;
      return;
    }
    let start = 0;
    let chunk = 0;
    do {
      const step = Math.max(tail, Math.min(target, Math.ceil(left / (2 * workers))));
      const end = Math.min(input.size, start + step);
      jobs.push({ source, chunk: chunk++, path: input.path, gzip: false, start, end, spec: input.spec });
      left -= end - start;
      start = end;
    } while (start < input.size);
  });
  return jobs;
}
