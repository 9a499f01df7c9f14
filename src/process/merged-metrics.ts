/**
 * `GET /metrics` with several workers: each worker's registry, gathered over IPC, merged into one
 * exposition, so Prometheus sees the whole gateway rather than whichever worker a forwarded scrape
 * reached. Each metric carries its merge in its snapshot (prom-client's `aggregator`), declared
 * where the metric is defined (src/telemetry/metrics/gateway-metrics.ts): counters, histograms
 * and the gauges of a worker's own traffic and connections are summed; gauges that every worker
 * reads from the same place (the php-fpm status page, the endpoints of an upstream as each
 * worker's health checks see them) take the largest value a worker reported, since a sum would
 * count them once per worker. Served in the Prometheus text format: the merge drops exemplars,
 * which belong to one worker's requests.
 */
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import { SwitchyardError } from '../errors.js';
import type { AdminEndpoint } from '../admin/endpoint.js';

export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

export function mergeWorkerMetrics(workers: readonly WorkerMetrics[]): Promise<string> {
  return AggregatorRegistry.aggregate([...workers]).metrics();
}

/** `gather` resolves with one registry snapshot per worker that answered; undefined where telemetry is off. */
export function mergedMetricsEndpoint(gather: () => Promise<readonly (WorkerMetrics | undefined)[]>): AdminEndpoint {
  return {
    method: 'GET',
    path: '/metrics',
    async handle(exchange) {
      const snapshots = (await gather()).filter((s): s is WorkerMetrics => s !== undefined);
      if (snapshots.length === 0) throw new SwitchyardError('SY_ERR_ADMIN_NOT_FOUND', 'telemetry is off (telemetry.metrics: false), or no worker answered');
      const body = await mergeWorkerMetrics(snapshots);
      exchange.res.writeHead(200, { 'content-type': AggregatorRegistry.PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' }).end(body);
    },
  };
}
