/**
 * Says which tier made each slow request slow, from what overlapped it on the pause timeline
 * and what the request measured itself. Time is split three ways: the gateway paused (GC or a
 * blocked event loop overlapping the request), PHP-FPM was saturated (the request waited for a
 * slot, or php-fpm reported a listen queue or max children reached while it ran), or the
 * upstream was slow (time inside the attempt, a slowlog entry being evidence that PHP itself
 * was). The largest share names the verdict; below a third of the request's time no tier is
 * blamed ("gateway": routing, filters, the client).
 */
import type { PauseEvent, PauseKind } from './pause-timeline.js';
import type { RequestRecord } from './slow-requests.js';

export type Verdict = 'gateway-paused' | 'php-fpm-saturated' | 'upstream-slow' | 'gateway';

export interface CorrelatedRequest extends RequestRecord {
  readonly verdict: Verdict;
  /** Milliseconds of the request each tier accounts for. */
  readonly shares: { readonly gatewayPauseMs: number; readonly saturationMs: number; readonly upstreamMs: number };
  readonly overlapping: readonly PauseEvent[];
}

const GATEWAY_KINDS: ReadonlySet<PauseKind> = new Set(['gc', 'event-loop-stall']);

export function correlate(request: RequestRecord, events: readonly PauseEvent[]): CorrelatedRequest {
  const overlapping = events.filter((e) => e.start <= request.end && e.end >= request.start && (GATEWAY_KINDS.has(e.kind) || e.source === request.upstream));
  const gatewayPauseMs = unionOverlap(overlapping.filter((e) => GATEWAY_KINDS.has(e.kind)), request);
  const saturated = overlapping.some((e) => e.kind === 'fpm-saturated');
  // A saturated pool shows up as our queue wait; without one, the sampled saturation period
  // explains at most the time the request was not inside php-fpm.
  const saturationMs = Math.max(request.queueWaitMs, saturated ? Math.max(0, request.durationMs - request.upstreamMs - gatewayPauseMs) : 0);
  // A pause while the upstream was answering delays our reading of its answer: that time is the
  // gateway's, so it is not counted twice.
  const upstreamMs = Math.max(0, request.upstreamMs - gatewayPauseMs);
  const ranked: [Verdict, number][] = [
    ['gateway-paused', gatewayPauseMs],
    ['php-fpm-saturated', saturationMs],
    ['upstream-slow', upstreamMs],
  ];
  ranked.sort((a, b) => b[1] - a[1]);
  const [top, share] = ranked[0] as [Verdict, number];
  const verdict: Verdict = share >= request.durationMs / 3 ? top : 'gateway';
  return { ...request, verdict, shares: { gatewayPauseMs: round(gatewayPauseMs), saturationMs: round(saturationMs), upstreamMs: round(upstreamMs) }, overlapping };
}

/** Milliseconds of [request.start, request.end] covered by the union of the events. */
function unionOverlap(events: readonly PauseEvent[], request: RequestRecord): number {
  const spans = events.map((e) => [Math.max(e.start, request.start), Math.min(e.end, request.end)] as const).filter(([a, b]) => b > a);
  spans.sort((x, y) => x[0] - y[0]);
  let total = 0;
  let cursor = -Infinity;
  for (const [a, b] of spans) {
    const from = Math.max(a, cursor);
    if (b > from) total += b - from;
    cursor = Math.max(cursor, b);
  }
  return total;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
