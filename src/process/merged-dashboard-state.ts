/**
 * `GET /dashboard/state` with several workers: every worker's numbers added up, so the
 * dashboard's tables show the whole gateway. Route counters and pool figures are summed; the
 * last minute's p50/p99 are read off the workers' latency buckets added together; endpoints are
 * healthy only where every worker finds them so, with their active requests summed; the
 * connection tables are put side by side; php-fpm pools are the same for every worker, so the
 * first worker's view of them is kept.
 */
import type { AdminEndpoint } from '../admin/endpoint.js';
import { LatencyHistogram } from '../telemetry/heatmap/log-linear-histogram.js';
import { groupBy } from '../group-by.js';
import { fanOutEndpoint } from './fan-out.js';

interface LastMinute {
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
  readonly maxUs: number;
  readonly buckets: readonly (readonly [number, number])[];
}

interface EndpointRow {
  readonly url: string;
  readonly healthy: boolean;
  readonly ejection: string;
  readonly activeRequests: number;
}

interface UpstreamRow {
  readonly name: string;
  readonly type: string;
  readonly stats: Readonly<Record<string, number | undefined>> | null;
  readonly endpoints: readonly EndpointRow[];
  readonly connections: readonly unknown[];
  readonly lastMinute: LastMinute;
}

interface RouteRow {
  readonly route: string;
  readonly requests: number;
  readonly errors: number;
  readonly clientErrors: number;
  readonly lastMinute: LastMinute;
}

interface WorkerState {
  readonly now: number;
  readonly routes: readonly RouteRow[];
  readonly upstreams: readonly UpstreamRow[];
  readonly fpm: readonly unknown[];
}

/** Rows of the connection table kept per upstream, as one worker sends. */
const MAX_CONNECTIONS = 50;

export function mergedDashboardStateEndpoint(workerAdmins: () => readonly string[]): AdminEndpoint {
  return fanOutEndpoint<WorkerState>('/dashboard/state', workerAdmins, mergeStates);
}

function mergeLatency(parts: readonly LastMinute[]): LastMinute {
  const h = new LatencyHistogram();
  for (const part of parts) for (const [bucket, n] of part.buckets) h.add(bucket, n, part.maxUs);
  return { p50: h.quantile(0.5) / 1000, p99: h.quantile(0.99) / 1000, count: h.total, maxUs: h.max, buckets: h.entries() };
}

function sumStats(all: readonly UpstreamRow['stats'][]): UpstreamRow['stats'] {
  const present = all.filter((s): s is NonNullable<UpstreamRow['stats']> => s !== null);
  if (present.length === 0) return null;
  const out: Record<string, number | undefined> = {};
  for (const stats of present) for (const [k, v] of Object.entries(stats)) out[k] = v === undefined ? out[k] : (out[k] ?? 0) + v;
  return out;
}

function mergeStates(states: readonly WorkerState[]): unknown {
  const routes = [...groupBy(states.flatMap((s) => s.routes), (r) => r.route).values()].map((rows) => ({
    route: (rows[0] as RouteRow).route,
    requests: rows.reduce((n, r) => n + r.requests, 0),
    errors: rows.reduce((n, r) => n + r.errors, 0),
    clientErrors: rows.reduce((n, r) => n + r.clientErrors, 0),
    lastMinute: mergeLatency(rows.map((r) => r.lastMinute)),
  }));
  const upstreams = [...groupBy(states.flatMap((s) => s.upstreams), (u) => u.name).values()].map((rows) => {
    const first = rows[0] as UpstreamRow;
    const endpoints = [...groupBy(rows.flatMap((u) => u.endpoints), (e) => e.url).values()].map((views) => ({
      url: (views[0] as EndpointRow).url,
      healthy: views.every((e) => e.healthy),
      ejection: views.find((e) => e.ejection !== 'none')?.ejection ?? 'none',
      activeRequests: views.reduce((n, e) => n + e.activeRequests, 0),
    }));
    return {
      name: first.name,
      type: first.type,
      stats: sumStats(rows.map((u) => u.stats)),
      endpoints,
      connections: rows.flatMap((u) => u.connections).slice(0, MAX_CONNECTIONS),
      lastMinute: mergeLatency(rows.map((u) => u.lastMinute)),
    };
  });
  return { now: Math.max(...states.map((s) => s.now)), routes, upstreams, fpm: (states[0] as WorkerState).fpm };
}
