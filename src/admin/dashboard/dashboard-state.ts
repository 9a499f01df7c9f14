/**
 * The numbers behind the dashboard's tables, in one JSON poll: per route the request and error
 * counters (the page turns successive polls into rates) and the last minute's p50/p99 from the
 * heatmap (with its bucket counts and its max in µs, so the views of several workers add up); per
 * upstream its pool, endpoints (health, ejection) and connection table; per php-fpm pool its
 * last status page.
 */
import type { Gateway } from '../../gateway/gateway.js';
import type { Telemetry } from '../../telemetry/telemetry.js';
import { LatencyHistogram } from '../../telemetry/heatmap/log-linear-histogram.js';
import { nowMs } from '../../telemetry/pauses/pause-timeline.js';

const RECENT_MS = 60_000;
/** Rows of the connection table sent per upstream. */
const MAX_CONNECTIONS = 50;

export async function dashboardState(gateway: Gateway, telemetry: Telemetry): Promise<unknown> {
  const now = nowMs();
  const counters = await telemetry.metrics.registry.getSingleMetric('switchyard_requests_total')?.get();
  const routes = new Map<string, { route: string; requests: number; errors: number; clientErrors: number }>();
  for (const v of counters?.values ?? []) {
    const route = String(v.labels['route']);
    const row = routes.get(route) ?? { route, requests: 0, errors: 0, clientErrors: 0 };
    row.requests += v.value;
    if (v.labels['status_class'] === '5xx') row.errors += v.value;
    if (v.labels['status_class'] === '4xx') row.clientErrors += v.value;
    routes.set(route, row);
  }
  const latency = (kind: 'route' | 'upstream', key: string) => {
    const merged = new LatencyHistogram();
    for (const s of telemetry.heatmaps.get(kind, key)?.slices(now - RECENT_MS, now + 1, now) ?? []) merged.merge(s.histogram);
    return { p50: merged.quantile(0.5) / 1000, p99: merged.quantile(0.99) / 1000, count: merged.total, maxUs: merged.max, buckets: merged.entries() };
  };
  return {
    now,
    routes: [...routes.values()].sort((a, b) => a.route.localeCompare(b.route)).map((r) => ({ ...r, lastMinute: latency('route', r.route) })),
    upstreams: [...gateway.runtime.upstreams.values()].map((u) => {
      const view = u.describe?.();
      const byState = (state: string) => view?.connections.filter((c) => c.state === state).length;
      return {
        name: u.name,
        type: u.type,
        // The pool's own numbers (fastcgi), else counted from the connection table.
        stats: (u as { stats?: unknown }).stats ?? (view === undefined ? null : { active: byState('active'), idle: byState('idle'), queued: view.circuitBreaker?.current.pending }),
        endpoints: view?.endpoints.map((e) => ({ url: e.url, healthy: e.healthy, ejection: e.ejection, activeRequests: e.activeRequests })) ?? [],
        connections: view?.connections.slice(0, MAX_CONNECTIONS) ?? [],
        lastMinute: latency('upstream', u.name),
      };
    }),
    fpm: [...telemetry.fpm.states].map(([upstream, s]) => ({ upstream, up: s.status !== undefined, status: s.status ?? null, scrapeErrors: s.scrapeErrors, slowlogEntries: s.slowlogEntries })),
  };
}
