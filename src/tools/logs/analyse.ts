/**
 * One run of `switchyard logs` over finished inputs: open and check every input, scan files on
 * all cores and stdin on the main thread, merge, and build the report.
 */
import type { CliIO } from '../../cli/io.js';
import type { FormatSpec } from './format/layout.js';
import { resolveFormat } from './format/resolve-format.js';
import { scanSettings, type LogsOptions } from './options.js';
import { buildReport } from './report/build-report.js';
import type { Report } from './report/report.js';
import { isUnrecognised, openFileInput, skipReason, unrecognisedError, type Unrecognised } from './scan/open-inputs.js';
import { planJobs, threadsFor, type Input } from './scan/plan.js';
import { progressBar } from './scan/progress.js';
import type { EarlyWorkers } from './scan/early-workers.js';
import { runPool } from './scan/run-pool.js';

export function describeFormat(spec: FormatSpec): string {
  return spec.kind === 'layout' ? spec.source : spec.kind;
}

export function reportOptions(options: LogsOptions): Parameters<typeof buildReport>[2] {
  return { top: options.top, bucketSeconds: options.bucketSeconds, collapseThreshold: options.collapse, maxSamples: options.samples };
}

/** An input left out of the report, by its position in the command line. */
export type SkippedInput = Unrecognised & { readonly source: number };

/** Where nothing is read: stdin until it is, an input that is skipped. Keeps source numbers aligned with `names`. */
function placeholder(name: string): Input {
  return { name, path: undefined, gzip: false, size: 0, spec: { kind: 'json' } };
}

/**
 * Inputs that are not access logs are left out, one stderr line each, when another input is
 * read; when none is, the command fails with one line (`SY_ERR_LOG_FORMAT`).
 */
export function settleSkipped(skipped: readonly SkippedInput[], inputCount: number, io: CliIO): void {
  if (skipped.length === inputCount) throw unrecognisedError(skipped);
  for (const s of skipped) io.stderr.write(skipLine(s));
}

export function skipLine(s: SkippedInput): string {
  return `switchyard: skipped ${s.name}: ${skipReason(s)} (SY_ERR_LOG_FORMAT)\n`;
}

/** The skipped inputs as the report lists them. */
export function skippedRows(skipped: readonly SkippedInput[]): { source: number; name: string; reason: string }[] {
  return [...skipped].sort((a, b) => a.source - b.source).map((u) => ({ source: u.source, name: u.name, reason: skipReason(u) }));
}

/** `early`: worker threads started before this module loaded (command.ts); the scan takes what it needs. */
export async function analyse(names: readonly string[], options: LogsOptions, io: CliIO, early?: EarlyWorkers): Promise<Report> {
  const explicit = resolveFormat(options.format);
  const inputs: Input[] = [];
  const skipped: SkippedInput[] = [];
  let stdinSource = -1;
  for (const [i, name] of names.entries()) {
    if (name === '-') {
      stdinSource = i;
      inputs.push(placeholder('stdin')); // settled when stdin is read
      continue;
    }
    const input = await openFileInput(name, io.cwd, explicit);
    if (isUnrecognised(input)) {
      skipped.push({ ...input, source: i });
      inputs.push(placeholder(name));
    } else inputs.push(input);
  }
  if (skipped.length === names.length) throw unrecognisedError(skipped); // nothing to read: fail before scanning
  const formats = inputs.map((input) => describeFormat(input.spec));
  const progress = await progressBar(io.stderr, inputs.reduce((sum, input) => sum + input.size, 0));
  let report: Report;
  try {
    const threads = threadsFor(inputs, options.jobs);
    const jobs = planJobs(inputs, threads);
    const pool = await runPool(jobs, threads, scanSettings(options), (n) => progress.add(n), early);
    const lines = new Map(pool.lines);
    if (stdinSource !== -1) {
      const { scanStdin } = await import('./scan/read-stdin.js'); // only `-` needs it
      const scan = await scanStdin(io.stdin, stdinSource, explicit, pool.stats);
      if (isUnrecognised(scan)) skipped.push({ ...scan, source: stdinSource });
      else {
        lines.set(`${stdinSource}:0`, scan.lines);
        formats[stdinSource] = describeFormat(scan.spec);
      }
    }
    skipped.sort((a, b) => a.source - b.source);
    report = buildReport(pool.stats, { names: inputs.map((i) => i.name), formats, lines, skipped: skippedRows(skipped) }, reportOptions(options));
  } finally {
    progress.stop();
  }
  settleSkipped(skipped, names.length, io); // after the progress bar is cleared from stderr
  return report;
}
