/**
 * `GET /admin/heatmap` with several workers: the same query asked of every worker's private admin
 * listener, the answers merged, so the heatmap (and the dashboard drawing it) shows all the
 * traffic. Bucket numbers depend only on the latency, so a worker's cells map back to buckets
 * and add up exactly; each merged slice's p50/p99 are then read off the merged counts, as one
 * process would.
 */
import type { AdminEndpoint } from '../admin/endpoint.js';
import { heatmapBody } from '../admin/heatmap.js';
import { fanOutEndpoint } from './fan-out.js';
import { bucketOf, LatencyHistogram } from '../telemetry/heatmap/log-linear-histogram.js';

interface WorkerHeatmap {
  readonly route?: string;
  readonly upstream?: string;
  readonly sliceMs: number;
  readonly keepMs?: number;
  readonly from: number;
  readonly to: number;
  readonly routes?: readonly string[];
  readonly upstreams?: readonly string[];
  readonly buckets: readonly (readonly [number, number])[];
  readonly slices: readonly { readonly start: number; readonly max: number; readonly cells: readonly (readonly [number, number])[] }[];
}

export function mergedHeatmapEndpoint(workerAdmins: () => readonly string[]): AdminEndpoint {
  return fanOutEndpoint<WorkerHeatmap>('/admin/heatmap', workerAdmins, mergeHeatmaps);
}

function mergeHeatmaps(maps: readonly WorkerHeatmap[]): Record<string, unknown> {
  const one = maps[0] as WorkerHeatmap;
  if (one.route === undefined && one.upstream === undefined) {
    const union = (pick: (m: WorkerHeatmap) => readonly string[] | undefined) => [...new Set(maps.flatMap((m) => pick(m) ?? []))].sort();
    return { sliceMs: one.sliceMs, keepMs: one.keepMs, routes: union((m) => m.routes), upstreams: union((m) => m.upstreams) };
  }
  const byStart = new Map<number, LatencyHistogram>();
  for (const m of maps) {
    for (const slice of m.slices) {
      let histogram = byStart.get(slice.start);
      if (histogram === undefined) byStart.set(slice.start, (histogram = new LatencyHistogram()));
      // A bucket's low bound is a whole number of µs; ms with three decimals carries it exactly.
      for (const [position, n] of slice.cells) histogram.add(bucketOf(Math.round((m.buckets[position] as readonly [number, number])[0] * 1000)), n, slice.max * 1000);
    }
  }
  const slices = [...byStart].sort(([a], [b]) => a - b).map(([start, histogram]) => ({ start, histogram }));
  const kind = one.route !== undefined ? 'route' : 'upstream';
  return heatmapBody(kind, (one.route ?? one.upstream) as string, one.sliceMs, Math.min(...maps.map((m) => m.from)), one.to, slices);
}
