/**
 * Runs one job to completion in whatever thread calls it: read, split, parse, count. Used by the
 * worker threads and, for single-thread scans, by the main thread; stdin goes through
 * `scanChunks` alone.
 */
import { Stats, type ScanSettings } from '../aggregate/stats.js';
import { LineSplitter } from './line-splitter.js';
import type { Job } from './plan.js';
import { readJob } from './read-range.js';

export interface JobResult {
  readonly stats: Stats;
  readonly lines: number;
}

export async function scanChunks(
  chunks: AsyncIterable<Buffer>,
  splitter: LineSplitter,
  onBytes: (n: number) => void,
): Promise<void> {
  for await (const chunk of chunks) {
    splitter.feed(chunk);
    onBytes(chunk.length);
  }
  splitter.end();
}

/** Scans a job into `stats` (a fresh one unless given: the main thread reuses one for all jobs). */
export async function scanJob(job: Job, settings: ScanSettings, onBytes: (n: number) => void, stats = new Stats(settings)): Promise<JobResult> {
  const splitter = new LineSplitter(job.spec, stats, job.source, job.chunk);
  await scanChunks(readJob(job), splitter, onBytes);
  return { stats, lines: splitter.lines };
}
