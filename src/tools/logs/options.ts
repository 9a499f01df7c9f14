/**
 * `switchyard logs` options: their defaults in one place, and the checks that turn a bad value
 * into one clear line before any file is read.
 */
import { availableParallelism } from 'node:os';
import { parseDuration } from '../../config/units.js';
import { SwitchyardError } from '../../errors.js';
import type { ScanSettings } from './aggregate/stats.js';
import { parseFilter, type FilterSpec } from './filter/filter-spec.js';

export const OUTPUTS = ['table', 'json', 'csv', 'html'] as const;
export type OutputKind = (typeof OUTPUTS)[number];

export const DEFAULTS = {
  format: 'auto',
  output: 'table' as OutputKind,
  /** Rows per top-n table. */
  top: 10,
  /** Threads that scan, the main one included: one per core (SPEC section 7). */
  jobs: availableParallelism(),
  /** Distinct values at one path position before it is read as a parameter. */
  collapse: 20,
  /** Malformed lines quoted in the report. */
  samples: 5,
  /** Seconds between refreshed reports under --follow. */
  interval: 2,
  /**
   * Distinct keys each table (clients, paths, user agents, referrers) counts exactly; past it, a
   * Space-Saving sketch of as many counters. A million keys take ~100 MB per table and thread.
   */
  maxKeys: 1_000_000,
} as const;

export interface LogsOptions {
  readonly format: string;
  readonly output: OutputKind;
  readonly top: number;
  readonly jobs: number;
  readonly collapse: number;
  readonly samples: number;
  readonly bucketSeconds: number | undefined;
  readonly follow: boolean;
  readonly interval: number;
  /** `--filter`, `--since`, `--until`, checked; undefined when none is given. */
  readonly filter: FilterSpec | undefined;
  readonly maxKeys: number;
  /** `-o FILE`: where the report goes; undefined is stdout. */
  readonly out: string | undefined;
}

/** The raw strings commander hands over. */
export interface RawOptions {
  format?: string;
  output?: string;
  top?: string;
  jobs?: string;
  collapse?: string;
  samples?: string;
  bucket?: string;
  follow?: boolean;
  interval?: string;
  out?: string;
  filter?: string[];
  maxKeys?: string;
  since?: string;
  until?: string;
}

function usage(message: string): SwitchyardError {
  return new SwitchyardError('SY_ERR_CLI_USAGE', message);
}

function integer(flag: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || +value < min) throw usage(`${flag} must be a whole number of at least ${min}, got "${value}"`);
  return +value;
}

/** A duration as the config file writes them (`500ms`, `30s`, `5m`, `1h`), in seconds. */
function duration(flag: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms === 0) throw usage(`${flag} must be a duration such as 500ms, 30s, 5m or 1h, got "${value}"`);
  return ms / 1000;
}

export function checkOptions(raw: RawOptions): LogsOptions {
  const output = (raw.output ?? DEFAULTS.output) as OutputKind;
  if (!OUTPUTS.includes(output)) throw usage(`--output must be one of ${OUTPUTS.join(', ')}, got "${raw.output}"`);
  const follow = raw.follow === true;
  if (follow && output !== 'table' && output !== 'json') throw usage('--follow prints table or json reports; csv and html are for finished logs');
  if (follow && raw.out !== undefined) throw usage('--follow prints to the terminal; -o FILE is for finished logs');
  let bucketSeconds: number | undefined;
  if (raw.bucket !== undefined) {
    bucketSeconds = duration('--bucket', raw.bucket);
    if (!Number.isInteger(bucketSeconds / 60)) throw usage(`--bucket must be whole minutes (the timeline counts per minute), got "${raw.bucket}"`);
  }
  return {
    format: raw.format ?? DEFAULTS.format,
    output,
    top: integer('--top', raw.top, DEFAULTS.top, 1),
    jobs: integer('--jobs', raw.jobs, DEFAULTS.jobs, 1),
    collapse: integer('--collapse', raw.collapse, DEFAULTS.collapse, 2),
    samples: integer('--samples', raw.samples, DEFAULTS.samples, 0),
    bucketSeconds,
    follow,
    interval: raw.interval === undefined ? DEFAULTS.interval : duration('--interval', raw.interval),
    out: raw.out,
    maxKeys: integer('--max-keys', raw.maxKeys, DEFAULTS.maxKeys, 10),
    filter: parseFilter(raw.filter ?? [], raw.since, raw.until),
  };
}

/** What every scanning thread needs of the options. */
export function scanSettings(options: LogsOptions): ScanSettings {
  return { maxSamples: options.samples, filter: options.filter, maxKeys: options.maxKeys };
}
