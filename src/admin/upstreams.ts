/**
 * `GET /admin/upstreams`: every upstream's endpoints (health, ejection, requests in flight),
 * circuit-breaker load and overflows, and connection table (state, age, requests, bytes, last
 * error). With several worker processes the primary asks each worker and lists every view with
 * its `worker` id (see src/process).
 */
import { sendJson, type AdminEndpoint } from './endpoint.js';
import type { UpstreamView } from '../cluster/upstream-view.js';
import type { Gateway } from '../gateway/gateway.js';
import { reportedTables } from '../cluster/reported-tables.js';

export const upstreamsEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/admin/upstreams',
  async handle(exchange, context) {
    sendJson(exchange.res, 200, { upstreams: context.upstreams === undefined ? upstreamViews(context.gateway) : await context.upstreams() });
  },
};

/** The views of one process's running upstreams. */
export function upstreamViews(gateway: Pick<Gateway, 'runtime'>): UpstreamView[] {
  const views: UpstreamView[] = [];
  for (const upstream of gateway.runtime.upstreams.values()) {
    if (upstream.describe !== undefined) {
      views.push(upstream.describe());
      continue;
    }
    // FastCGI pools report into a table under the label their errors use.
    const table = reportedTables.get(`upstream "${upstream.name}"`);
    if (table !== undefined) views.push({ name: upstream.name, type: upstream.type, endpoints: [], connections: table.view(), counters: { ...table.counters }, lastError: table.lastError });
  }
  return views;
}
