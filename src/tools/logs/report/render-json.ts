/**
 * `--output json`: the report in the shape issue 5 fixes for scripts (`lines`, `parsed`,
 * `malformed`, `bytes`, `top`, `status`, `latency` and `routes` in seconds, `timeline`,
 * `estimated`, `samples`), followed by the finer sections of the report under their own names
 * (`summary`, `clients`, `paths`, `statuses`, `methods`, `routeDetails`, `latencyMs`,
 * `ranking`, `bucketSeconds`), whose durations stay in milliseconds.
 */
import type { CountRow, LatencySummary, Report } from './report.js';

const seconds = (ms: number | undefined): number | null => (ms === undefined ? null : Math.round(ms * 1000) / 1e6);
const values = (rows: readonly CountRow[]): { value: string; count: number }[] => rows.map((r) => ({ value: r.key, count: r.requests }));

function latency(l: LatencySummary | undefined): { p50: number | null; p90: number | null; p99: number | null; max: number | null } | null {
  if (l === undefined) return null; // the log has no duration field
  return { p50: seconds(l.p50Ms), p90: seconds(l.p90Ms), p99: seconds(l.p99Ms), max: seconds(l.maxMs) };
}

export function toJson(r: Report): Record<string, unknown> {
  const status: Record<string, number> = {};
  for (const s of r.statuses) status[s.key] = s.requests;
  return {
    lines: r.summary.lines,
    parsed: r.summary.requests,
    malformed: r.malformed.count,
    filtered: r.summary.filtered,
    bytes: r.summary.bytes,
    top: {
      ips: values(r.clients),
      paths: values(r.paths),
      routes: values(r.routes),
      userAgents: values(r.userAgents),
      referrers: values(r.referrers),
    },
    status,
    latency: latency(r.latency),
    // The migration ranking, best candidate first (docs/logs.md gives the score).
    routes: r.ranking.map((x) => ({ route: x.key, count: x.requests, p99: seconds(x.p99Ms), errors: x.errors, score: x.score })),
    timeline: r.timeline.rows.map((t) => ({ t: t.start.replace('.000Z', 'Z'), count: t.requests, errors: t.errors })),
    estimated: r.estimated,
    samples: { malformed: r.malformed.samples },
    summary: r.summary,
    clients: r.clients,
    paths: r.paths,
    statuses: r.statuses,
    methods: r.methods,
    routeDetails: r.routes,
    latencyMs: r.latency,
    ranking: r.ranking,
    bucketSeconds: r.timeline.bucketSeconds,
  };
}

export function renderJson(r: Report, indent = 2): string {
  return `${JSON.stringify(toJson(r), null, indent)}\n`;
}
