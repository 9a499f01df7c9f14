/**
 * From merged totals to the report: top-n tables, percentiles, the timeline and the migration
 * ranking. Runs once per report (or once per refresh under `--follow`), never per line.
 */
import { collapseRoutes } from '../aggregate/collapse-routes.js';
import { percentile } from '../aggregate/histogram.js';
import { allClients, allKeys, allPaths, type Count, type RouteTotals, type Stats } from '../aggregate/stats.js';
import type { ConfiguredRoute, CountRow, LatencySummary, MalformedRow, RankingRow, Report, RouteRow, TimelineRow } from './report.js';
import { nthLargest, topN } from './top-n.js';

export interface ReportOptions {
  readonly top: number;
  /** Seconds per timeline row; undefined picks one that gives at most 60 rows. */
  readonly bucketSeconds: number | undefined;
  readonly collapseThreshold: number;
  readonly maxSamples: number;
}

export interface ReportInputs {
  readonly names: readonly string[];
  readonly formats: readonly string[];
  /** Line count of each scanned chunk, keyed `source:chunk` (see scan/run-pool.ts). */
  readonly lines: ReadonlyMap<string, number>;
  /** Inputs left out (not access logs), by source number; `names` and `formats` still hold them. */
  readonly skipped?: readonly { readonly source: number; readonly name: string; readonly reason: string }[];
}

/** Keys were decoded as latin1 for speed (scan/line-splitter.ts); print them as the UTF-8 they are. */
export function display(key: string): string {
  return /[^\x00-\x7f]/.test(key) ? Buffer.from(key, 'latin1').toString('utf8') : key;
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

function latencySummary(t: RouteTotals): LatencySummary | undefined {
  if (t.latencyCount === 0 || t.hist === undefined) return undefined;
  const ms = (q: number): number => round(percentile(t.hist as Uint32Array, t.latencyCount, q, t.latencyMaxUs) / 1000);
  return {
    count: t.latencyCount,
    meanMs: round(t.latencySumUs / t.latencyCount / 1000),
    p50Ms: ms(0.5),
    p90Ms: ms(0.9),
    p95Ms: ms(0.95),
    p99Ms: ms(0.99),
    maxMs: round(t.latencyMaxUs / 1000),
  };
}

function configuredRoutes(t: RouteTotals): ConfiguredRoute[] {
  if (t.configured === undefined) return [];
  return [...t.configured]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([route, requests]) => ({ route: display(route), requests }));
}

/** Share of a route's requests that got a 5xx. */
function errorRate(t: RouteTotals): number {
  return t.requests === 0 ? 0 : t.errors / t.requests;
}

/** The first and last minute with a request (Infinity and -Infinity when none has a time). */
function minuteSpan(stats: Stats): [first: number, last: number] {
  let first = Infinity;
  let last = -Infinity;
  for (const m of stats.minutes.keys()) {
    if (m < first) first = m;
    if (m > last) last = m;
  }
  return [first, last];
}

const BUCKET_CHOICES = [60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400, 7 * 86400];

function timeline(stats: Stats, bucketSeconds: number | undefined, [first, last]: [number, number]): Report['timeline'] {
  if (stats.minutes.size === 0) return { bucketSeconds: bucketSeconds ?? 60, rows: [] };
  const spanSeconds = (last - first + 1) * 60;
  const bucket = bucketSeconds ?? BUCKET_CHOICES.find((b) => spanSeconds / b <= 60) ?? 30 * 86400;
  const perBucket = bucket / 60;
  const firstBucket = Math.floor(first / perBucket);
  const lastBucket = Math.floor(last / perBucket);
  // A log spanning years at one-minute buckets would print millions of empty rows.
  const rowCount = Math.min(lastBucket - firstBucket + 1, 100_000);
  const requests = new Float64Array(rowCount);
  const errors = new Float64Array(rowCount);
  for (const [minute, m] of stats.minutes) {
    const i = Math.floor(minute / perBucket) - firstBucket;
    if (i >= rowCount) continue;
    requests[i] = (requests[i] as number) + m.requests;
    errors[i] = (errors[i] as number) + m.errors;
  }
  const rows: TimelineRow[] = [];
  for (let i = 0; i < rowCount; i++) {
    rows.push({
      start: new Date((firstBucket + i) * bucket * 1000).toISOString(),
      requests: requests[i] as number,
      errors: errors[i] as number,
    });
  }
  return { bucketSeconds: bucket, rows };
}

/**
 * Migration ranking: requests x mean latency is the worker time a route takes from the PHP-FPM
 * pool (what moving it frees), and (1 + 4 x 5xx rate) raises routes that fail, where a rewrite
 * pays most. Without a duration in the log, traffic alone stands in for the time.
 */
function ranking(routes: ReadonlyMap<string, RouteTotals>, top: number): RankingRow[] {
  const scored: [string, { t: RouteTotals; raw: number; latency: LatencySummary | undefined }][] = [];
  for (const [key, t] of routes) {
    const latency = latencySummary(t);
    const raw = t.requests * (latency === undefined ? 1 : Math.max(latency.meanMs, 0.001)) * (1 + 4 * errorRate(t));
    scored.push([key, { t, raw, latency }]);
  }
  const best = topN(scored, top, (v) => v.raw);
  const max = best[0]?.[1].raw ?? 1;
  return best.map(([key, { t, raw, latency }]) => ({
    key: display(key),
    score: Math.round((raw / max) * 1000) / 10,
    requests: t.requests,
    meanMs: latency?.meanMs,
    p95Ms: latency?.p95Ms,
    p99Ms: latency?.p99Ms,
    errors: t.errors,
    errorRate: round(errorRate(t)),
    configuredRoutes: configuredRoutes(t),
  }));
}

function malformedRows(stats: Stats, inputs: ReportInputs, max: number): MalformedRow[] {
  const sorted = [...stats.samples].sort((a, b) => a.source - b.source || a.chunk - b.chunk || a.lineInChunk - b.lineInChunk);
  return sorted.slice(0, max).map((s) => {
    let before = 0;
    for (let c = 0; c < s.chunk; c++) before += inputs.lines.get(`${s.source}:${c}`) ?? 0;
    return { input: inputs.names[s.source] ?? '?', line: before + s.lineInChunk + 1, text: display(s.text) };
  });
}

export function buildReport(stats: Stats, inputs: ReportInputs, options: ReportOptions): Report {
  const total = stats.requests;
  const share = (n: number): number => (total === 0 ? 0 : Math.round((n / total) * 10000) / 10000);
  const counts = (entries: Iterable<[string, Count]>, n = options.top): CountRow[] =>
    topN(entries, n, (v) => v.n).map(([key, c]) => ({ key: display(key), requests: c.n, share: share(c.n) }));
  const routes = collapseRoutes(stats.routes, options.collapseThreshold);
  const routeRows: RouteRow[] = topN(routes.entries(), options.top, (t) => t.requests).map(([key, t]) => ({
    key: display(key),
    requests: t.requests,
    share: share(t.requests),
    errors: t.errors,
    errorRate: round(errorRate(t)),
    bytes: t.bytes,
    latency: latencySummary(t),
    configuredRoutes: configuredRoutes(t),
  }));
  const statuses = new Map<string, Count>();
  stats.statuses.forEach((n, status) => {
    if (n > 0) statuses.set(status === 0 ? '-' : String(status), { n });
  });
  const ipv4 = stats.ipv4Clients.toArrays();
  const span = minuteSpan(stats);
  const [first, last] = span;
  const iso = (minute: number): string | undefined => (Number.isFinite(minute) ? new Date(minute * 60_000).toISOString() : undefined);
  const skipped = new Set(inputs.skipped?.map((s) => s.source));
  const read = (_: string, source: number): boolean => !skipped.has(source);
  return {
    summary: {
      inputs: inputs.names.filter(read),
      formats: inputs.formats.filter(read),
      skipped: (inputs.skipped ?? []).map((s) => ({ input: s.name, reason: s.reason })),
      lines: [...inputs.lines.values()].reduce((a, b) => a + b, 0),
      requests: total,
      bytes: stats.bytes,
      malformed: stats.malformed,
      filtered: stats.filtered,
      uniqueClients: stats.clients.size + stats.ipv4Clients.size + (stats.sketches.get('clients')?.size ?? 0),
      uniquePaths: stats.paths.size + (stats.sketches.get('paths')?.size ?? 0),
      routePatterns: routes.size,
      from: iso(first),
      to: iso(last),
    },
    // An IPv4 client below the n-th largest IPv4 count cannot make the table: with 60k clients,
    // making every one's string was most of the report's time.
    clients: counts(allClients(stats, nthLargest(ipv4.values, 1, ipv4.values.length, options.top), ipv4)),
    paths: topN(allPaths(stats, nthLargest(stats.paths.column(0), 1, stats.paths.size, options.top)), options.top, (p) => p.requests).map(([key, p]) => ({
      key: display(key),
      requests: p.requests,
      share: share(p.requests),
      bytes: p.bytes,
    })),
    routes: routeRows,
    // Code-point order, which is the collation's for `-` and digits: a first localeCompare loads the collator (~5 ms).
    statuses: counts(statuses.entries(), 1000).sort((a, b) => (a.key < b.key ? -1 : 1)),
    methods: counts(stats.methods.entries()),
    userAgents: counts(allKeys(stats, 'userAgents')),
    referrers: counts(allKeys(stats, 'referrers')),
    latency: latencySummary(stats.latency),
    timeline: timeline(stats, options.bucketSeconds, span),
    ranking: ranking(routes, options.top),
    malformed: { count: stats.malformed, samples: malformedRows(stats, inputs, options.maxSamples) },
    estimated: stats.estimated,
  };
}
