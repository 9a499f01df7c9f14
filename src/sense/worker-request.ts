/**
 * Which request a php-fpm worker is serving, by the worker's pid: php-fpm's own account of each
 * child (`status?full&json`: pid, method, URI, how long the request has run) matched against
 * the requests in flight in the gateway. The kernel alone cannot say it without kprobes (which
 * socket a worker reads is not in any tracepoint), and the gateway alone cannot either (a unix
 * socket does not name the child that accepted it); the status page is the worker's own word,
 * for unix and TCP pools alike.
 *
 * How php-fpm's view is matched is at matchRequest. Two requests that php-fpm's figures cannot
 * tell apart (same target, within the same millisecond or so) are not told apart: the closest
 * is named.
 */
import type { FastcgiUpstreamConfig } from '../config/types.js';
import { fetchFpmStatusPage } from '../telemetry/php-fpm/fpm-status.js';
import type { InFlightRequest } from './in-flight-requests.js';

export interface FpmProcess {
  readonly pid: number;
  /** `Running` while it serves a request; `Idle` shows its last request. */
  readonly state: string;
  readonly method: string;
  /** As php-fpm reports it: the request's URI and `?query` when it had one. */
  readonly uri: string;
  /** Microseconds the current request has run (an idle worker: its last request took). */
  readonly durationUs: number;
}

/** The children listed by `status?full&json`; an unreadable page lists none. */
export function parseFpmProcesses(response: string): FpmProcess[] {
  const split = /\r?\n\r?\n/.exec(response);
  const body = split === null ? response : response.slice(split.index + split[0].length);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return [];
  }
  const processes = (json as { processes?: unknown } | null)?.processes;
  if (!Array.isArray(processes)) return [];
  const out: FpmProcess[] = [];
  for (const p of processes as Record<string, unknown>[]) {
    const pid = p['pid'];
    if (typeof pid !== 'number') continue;
    out.push({ pid, state: String(p['state'] ?? ''), method: String(p['request method'] ?? ''), uri: String(p['request uri'] ?? ''), durationUs: Number(p['request duration'] ?? 0) });
  }
  return out;
}

/** Farther apart than this, an ended request is not the one a worker's timing points at. */
const MAX_SKEW_MS = 1_000;

/**
 * The request that best fits what php-fpm says of the worker, among the gateway's requests to
 * that pool, or undefined. php-fpm shows a worker in one of three ways:
 * - `Running`: its current request (method, URI, time since it began);
 * - `Reading headers`: waiting on a kept connection for the next request, method and URI
 *   cleared, the time since the last one ended (php-fpm resets its clock then);
 * - `Idle`: back in accept(), showing its last request and how long that took.
 */
export function matchRequest(process: FpmProcess, requests: readonly InFlightRequest[], readAt: number): InFlightRequest | undefined {
  const ms = process.durationUs / 1000;
  let candidates: InFlightRequest[];
  let distance: (r: InFlightRequest) => number;
  if (process.state === 'Running') {
    candidates = byTarget(requests.filter((r) => r.endedAt === undefined), process);
    distance = (r) => Math.abs(r.startedAt - (readAt - ms));
  } else if (process.method === '-' || process.method === '') {
    candidates = requests.filter((r) => r.endedAt !== undefined);
    distance = (r) => Math.abs((r.endedAt as number) - (readAt - ms));
  } else {
    candidates = byTarget(requests.filter((r) => r.endedAt !== undefined), process);
    distance = (r) => Math.abs((r.endedAt as number) - r.startedAt - ms);
  }
  let best: InFlightRequest | undefined;
  for (const r of candidates) if (best === undefined || distance(r) < distance(best)) best = r;
  return best !== undefined && (best.endedAt === undefined || distance(best) <= MAX_SKEW_MS) ? best : undefined;
}

/** Same method, and the same target when one has it (else any of that method: php-fpm may show a front controller's URI). */
function byTarget(requests: readonly InFlightRequest[], process: FpmProcess): InFlightRequest[] {
  const sameMethod = requests.filter((r) => r.method === process.method);
  const sameTarget = sameMethod.filter((r) => r.url === process.uri);
  return sameTarget.length > 0 ? sameTarget : sameMethod;
}

/**
 * Asks each FastCGI upstream with a status page which request its child `worker` runs; the id
 * of the matching in-flight request, or null when no pool knows the worker or nothing matches.
 */
export async function requestOfWorker(worker: number, pools: readonly FastcgiUpstreamConfig[], inFlight: () => readonly InFlightRequest[], timeoutMs: number): Promise<string | null> {
  const answers = await Promise.all(
    pools
      .filter((p) => p.status !== undefined)
      .map((p) =>
        fetchFpmStatusPage(p.address, p.status as string, 'full&json', timeoutMs).then(
          (page) => ({ pool: p.name, processes: parseFpmProcesses(page), readAt: Date.now() }),
          () => ({ pool: p.name, processes: [], readAt: Date.now() }),
        ),
      ),
  );
  for (const { pool, processes, readAt } of answers) {
    const process = processes.find((p) => p.pid === worker);
    if (process === undefined) continue;
    return matchRequest(process, inFlight().filter((r) => r.upstream === pool || r.upstream === undefined), readAt)?.id ?? null;
  }
  return null;
}
