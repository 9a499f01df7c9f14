/**
 * `GET /admin/correlation` with several workers: every worker's report for the same window and
 * limit, merged into one: the slowest requests over all workers (each keeps the verdict its own
 * worker gave it, since a worker's GC pause or stall only delays that worker's requests), the
 * summary counted again over them, and the events of every worker's timeline, a worker's own
 * pauses tagged with its position in the list.
 */
import type { AdminEndpoint } from '../admin/endpoint.js';
import type { CorrelatedRequest, Verdict } from '../telemetry/pauses/correlate.js';
import type { PauseEvent } from '../telemetry/pauses/pause-timeline.js';
import { DEFAULT_LIMIT } from '../admin/correlation.js';
import { fanOutEndpoint } from './fan-out.js';

interface WorkerReport {
  readonly from: number;
  readonly to: number;
  readonly summary: Record<Verdict, number>;
  readonly requests: readonly CorrelatedRequest[];
  readonly events: readonly PauseEvent[];
}

export function mergedCorrelationEndpoint(workerAdmins: () => readonly string[]): AdminEndpoint {
  return fanOutEndpoint<WorkerReport>('/admin/correlation', workerAdmins, mergeReports);
}

/** The workers checked the query (a bad one is their 400, passed on); `limit` is theirs. */
function mergeReports(reports: readonly WorkerReport[], query: URLSearchParams): unknown {
  const limit = Number(query.get('limit') ?? DEFAULT_LIMIT);
  const requests = reports.flatMap((r) => r.requests).sort((a, b) => b.durationMs - a.durationMs).slice(0, limit);
  const summary = Object.fromEntries(Object.keys((reports[0] as WorkerReport).summary).map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of requests) summary[r.verdict]++;
  const seen = new Set<string>();
  const events: (PauseEvent & { worker?: number })[] = [];
  reports.forEach((report, worker) => {
    for (const e of report.events) {
      // php-fpm events come from the same pool through every worker; the gateway's are per worker.
      const event = e.source === 'gateway' ? { ...e, worker } : e;
      const key = JSON.stringify(event);
      if (!seen.has(key)) events.push(event), seen.add(key);
    }
  });
  return { from: (reports[0] as WorkerReport).from, to: (reports[0] as WorkerReport).to, summary, requests, events: events.sort((a, b) => a.start - b.start) };
}
