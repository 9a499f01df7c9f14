/**
 * `GET /admin/heatmap?route=NAME|upstream=NAME&from=...&to=...`: the latency heatmap of one
 * route (its name, else its path) or upstream as JSON: per time slice, the count in each
 * log-linear latency bucket (about 2% wide), with the slice's p50, p99 and max. Without
 * `route` or `upstream` it lists the keys there are. `from`/`to`: epoch ms, ISO 8601, `now` or
 * `-5m`; default the last five minutes, cut to what the ring still holds.
 */
import { SwitchyardError } from '../errors.js';
import { bucketRange } from '../telemetry/heatmap/log-linear-histogram.js';
import type { HeatmapSlice } from '../telemetry/heatmap/heatmap-ring.js';
import { nowMs } from '../telemetry/pauses/pause-timeline.js';
import { parseTimeRange } from '../telemetry/time-range.js';
import { sendJson, type AdminEndpoint } from './endpoint.js';
import { requireTelemetry } from './metrics.js';

export const heatmapEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/admin/heatmap',
  async handle(exchange, context) {
    const { heatmaps } = requireTelemetry(context);
    const params = new URLSearchParams(exchange.query);
    const route = params.get('route');
    const upstream = params.get('upstream');
    if (route === null && upstream === null) {
      sendJson(exchange.res, 200, { sliceMs: heatmaps.sliceMs, keepMs: heatmaps.keepMs, routes: heatmaps.keys('route'), upstreams: heatmaps.keys('upstream') });
      return;
    }
    if (route !== null && upstream !== null) throw new SwitchyardError('SY_ERR_ADMIN_BAD_QUERY', 'give route or upstream, not both');
    const now = nowMs();
    const range = parseTimeRange(params, now);
    if ('problem' in range) throw new SwitchyardError('SY_ERR_ADMIN_BAD_QUERY', range.problem);
    const kind = route !== null ? 'route' : 'upstream';
    const key = (route ?? upstream) as string;
    const ring = heatmaps.get(kind, key);
    if (ring === undefined) {
      const known = heatmaps.keys(kind);
      throw new SwitchyardError('SY_ERR_ADMIN_BAD_QUERY', `no ${kind} '${key}' has recorded requests${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`);
    }
    sendJson(exchange.res, 200, heatmapBody(kind, key, ring.sliceMs, Math.max(range.from, ring.oldest(now)), range.to, ring.slices(range.from, range.to, now)));
  },
};

/**
 * The JSON of one key's heatmap: the buckets that have a count, ascending, each as [low, high)
 * in ms, and per slice its count, p50, p99, max and cells (bucket position, count).
 */
export function heatmapBody(kind: 'route' | 'upstream', key: string, sliceMs: number, from: number, to: number, slices: readonly HeatmapSlice[]): Record<string, unknown> {
  const used = new Set<number>();
  for (const s of slices) for (const [b] of s.histogram.entries()) used.add(b);
  const buckets = [...used].sort((a, b) => a - b);
  const position = new Map(buckets.map((b, i) => [b, i]));
  const ms = (micros: number) => Math.round(micros) / 1000;
  return {
    [kind]: key,
    sliceMs,
    from,
    to,
    unit: 'ms',
    buckets: buckets.map((b) => bucketRange(b).map(ms)),
    slices: slices.map((s) => ({
      start: s.start,
      count: s.histogram.total,
      p50: ms(s.histogram.quantile(0.5)),
      p99: ms(s.histogram.quantile(0.99)),
      max: ms(s.histogram.max),
      cells: s.histogram.entries().map(([b, n]) => [position.get(b), n]),
    })),
  };
}
