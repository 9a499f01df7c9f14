/**
 * One run of `switchyard logs` over finished inputs: open and check every input, scan files on
 * all cores and stdin on the main thread, merge, and build the report.
 */
import type { CliIO } from '../../cli/io.js';
import type { ScanSettings } from './aggregate/stats.js';
import type { FormatSpec } from './format/layout.js';
import { resolveFormat } from './format/resolve-format.js';
import type { LogsOptions } from './options.js';
import { buildReport } from './report/build-report.js';
import type { Report } from './report/report.js';
import { openFileInput } from './scan/open-inputs.js';
import { planJobs, type Input } from './scan/plan.js';
import { progressBar } from './scan/progress.js';
import { runPool } from './scan/run-pool.js';
import { scanStdin } from './scan/read-stdin.js';

export function describeFormat(spec: FormatSpec): string {
  return spec.kind === 'layout' ? spec.source : spec.kind;
}

export function reportOptions(options: LogsOptions): Parameters<typeof buildReport>[2] {
  return { top: options.top, bucketSeconds: options.bucketSeconds, collapseThreshold: options.collapse, maxSamples: options.samples };
}

export function scanSettings(options: LogsOptions): ScanSettings {
  return { maxSamples: options.samples, filter: options.filter, maxKeys: options.maxKeys };
}

export async function analyse(names: readonly string[], options: LogsOptions, io: CliIO): Promise<Report> {
  const explicit = resolveFormat(options.format);
  const inputs: Input[] = [];
  let stdinSource = -1;
  for (const [i, name] of names.entries()) {
    if (name === '-') {
      stdinSource = i;
      // Settled when stdin is read; a placeholder keeps source numbers aligned with `names`.
      inputs.push({ name: 'stdin', path: undefined, gzip: false, size: 0, spec: { kind: 'json' } });
    } else {
      inputs.push(await openFileInput(name, io.cwd, explicit));
    }
  }
  const formats = inputs.map((input) => describeFormat(input.spec));
  const progress = progressBar(io.stderr, inputs.reduce((sum, input) => sum + input.size, 0));
  try {
    const jobs = planJobs(inputs, options.jobs);
    const pool = await runPool(jobs, options.jobs, scanSettings(options), (n) => progress.add(n));
    const lines = new Map(pool.lines);
    if (stdinSource !== -1) {
      const scan = await scanStdin(io.stdin, stdinSource, explicit, pool.stats);
      lines.set(`${stdinSource}:0`, scan.lines);
      formats[stdinSource] = describeFormat(scan.spec);
    }
    return buildReport(pool.stats, { names: inputs.map((i) => i.name), formats, lines }, reportOptions(options));
  } finally {
    progress.stop();
  }
}
