/**
 * Telemetry for a running gateway, built from `telemetry:` in the config: subscribes to the
 * named channels (channels.ts) and feeds metrics, heatmaps, the slow-request list and tracing
 * from them; watches the runtime and php-fpm for the pause timeline. The request path only
 * publishes. One request-end handler records stats, offers the request to the correlation list
 * and hands its trace to tracing, as STYLE.md asks of the post-request stage. Set up once at
 * start: a reload keeps the telemetry settings the gateway started with (upstreams are followed
 * live).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Logger } from 'pino';
import type { TelemetryConfig } from '../config/types.js';
import type { Gateway } from '../gateway/gateway.js';
import {
  channels,
  type FastcgiQueueWaitMessage,
  type RequestEndMessage,
  type RequestStartMessage,
  type ShieldMatchMessage,
  type ContractViolationMessage,
  type UpstreamAttemptEndMessage,
  type UpstreamAttemptStartMessage,
} from './channels.js';
import { Heatmaps, UNMATCHED_ROUTE } from './heatmap/heatmaps.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { nowMs, PauseTimeline } from './pauses/pause-timeline.js';
import { monitorRuntime } from './pauses/runtime-monitor.js';
import { SlowRequests } from './pauses/slow-requests.js';
import { FpmMonitor } from './php-fpm/fpm-monitor.js';
import { addAttempt, openAttempt, stateOf, takeState, type AttemptState } from './request-state.js';
import { Tracing } from './tracing/tracing.js';

export interface Telemetry {
  readonly metrics: GatewayMetrics;
  readonly heatmaps: Heatmaps;
  readonly timeline: PauseTimeline;
  readonly slowRequests: SlowRequests;
  readonly fpm: FpmMonitor;
  readonly tracing: Tracing | undefined;
  stop(): Promise<void>;
}

/** The key a route is known by in metrics, heatmaps and traces: its name, else its path. */
function routeKey(route: { readonly name: string | undefined; readonly path: string } | undefined): string {
  return route === undefined ? UNMATCHED_ROUTE : (route.name ?? route.path);
}

export function startTelemetry(config: TelemetryConfig, gateway: Gateway, log: Logger): Telemetry | undefined {
  if (!config.metrics && config.tracing === undefined) return undefined;
  const timeline = new PauseTimeline();
  const fpm = new FpmMonitor(gateway, timeline, log);
  const metrics = new GatewayMetrics(gateway, fpm);
  const heatmaps = new Heatmaps(config.heatmap.slice, config.heatmap.keep);
  const slowRequests = new SlowRequests(config.heatmap.slice, config.heatmap.keep);
  const tracing = config.tracing === undefined ? undefined : new Tracing(config.tracing, { exported: (n) => metrics.spansExported(n), dropped: (n) => metrics.spansDropped(n) }, log);
  const stopRuntime = monitorRuntime(timeline, metrics);
  const recordMetrics = config.metrics;

  const onStart = (message: unknown) => {
    const { exchange } = message as RequestStartMessage;
    tracing?.requestStart(exchange, stateOf(exchange));
  };
  const onAttemptStart = (message: unknown) => {
    const m = message as UpstreamAttemptStartMessage;
    const state = stateOf(m.exchange);
    const attempt: AttemptState = { message: m, startedAt: nowMs(), endedAt: 0, queueWaitMs: state.queueWaitMs, spanId: undefined, end: undefined };
    tracing?.attemptStart(m.carrier, state, attempt);
    addAttempt(state, attempt);
  };
  const onAttemptEnd = (message: unknown) => {
    const m = message as UpstreamAttemptEndMessage;
    if (recordMetrics) metrics.attempt(m.start.upstream, m.error === undefined && (m.statusCode ?? 0) < 500);
    // Undefined when the request ended first: its open attempts ended with it.
    const attempt = openAttempt(m.start);
    if (attempt === undefined) return;
    attempt.endedAt = nowMs();
    attempt.end = m;
  };
  const onQueueWait = (message: unknown) => {
    const m = message as FastcgiQueueWaitMessage;
    const seconds = Number(m.waitNs) / 1e9;
    stateOf(m.exchange).queueWaitMs += seconds * 1000;
    if (recordMetrics) metrics.queueWait(m.upstream, seconds, m.admitted);
  };
  const onShieldMatch = (message: unknown) => {
    const m = message as ShieldMatchMessage;
    if (recordMetrics) metrics.shieldMatch(m.rule, m.category, m.action);
  };
  const onContractViolation = (message: unknown) => {
    const m = message as ContractViolationMessage;
    if (recordMetrics) metrics.contractViolation(m.route, m.side);
  };
  const onEnd = (message: unknown) => {
    const { exchange, durationNs } = message as RequestEndMessage;
    const state = takeState(exchange);
    const status = exchange.res.statusCode;
    const end = nowMs();
    const route = exchange.match?.route;
    const durationMs = Number(durationNs) / 1e6;
    const traceId = state === undefined ? undefined : tracing?.requestEnd(exchange, state, status, route?.path, end, durationMs);
    if (!recordMetrics) return;
    const key = routeKey(route);
    const upstream = exchange.upstream ?? '';
    metrics.request(key, upstream, status, durationMs / 1000, traceId);
    heatmaps.record('route', key, end, durationMs * 1000);
    if (upstream !== '') heatmaps.record('upstream', upstream, end, durationMs * 1000);
    // Most requests are not among their slice's slowest: the record is built only for those that are.
    if (!slowRequests.admits(end, durationMs)) return;
    let upstreamMs = 0;
    // Attempts still open end with the request (an upstream may report its end after the body).
    for (const attempt of state?.attempts ?? []) upstreamMs += (attempt.endedAt === 0 ? end : attempt.endedAt) - attempt.startedAt;
    slowRequests.offer({
      start: end - durationMs,
      end,
      durationMs,
      method: exchange.req.method ?? 'GET',
      path: exchange.path,
      route: key,
      upstream: exchange.upstream,
      status,
      requestId: exchange.id,
      traceId,
      queueWaitMs: state?.queueWaitMs ?? 0,
      upstreamMs,
    });
  };

  const subscriptions: [string, (message: unknown) => void][] = [
    [channels.requestEnd.name as string, onEnd],
    [channels.upstreamAttemptStart.name as string, onAttemptStart],
    [channels.upstreamAttemptEnd.name as string, onAttemptEnd],
    [channels.fastcgiQueueWait.name as string, onQueueWait],
    [channels.shieldMatch.name as string, onShieldMatch],
    [channels.contractViolation.name as string, onContractViolation],
  ];
  if (tracing !== undefined) subscriptions.push([channels.requestStart.name as string, onStart]);
  // diagnostics_channel rethrows a subscriber's error on the next tick, which would take the
  // process down: telemetry logs its own failures and the request goes on.
  let reported = false;
  const guarded = subscriptions.map(([name, fn]): [string, (message: unknown) => void] => [
    name,
    (message) => {
      try {
        fn(message);
      } catch (err) {
        if (!reported) log.error({ err, channel: name }, 'telemetry failed on a request; it keeps serving (logged once)');
        reported = true;
      }
    },
  ]);
  for (const [name, fn] of guarded) subscribe(name, fn);

  return {
    metrics,
    heatmaps,
    timeline,
    slowRequests,
    fpm,
    tracing,
    async stop() {
      for (const [name, fn] of guarded) unsubscribe(name, fn);
      stopRuntime();
      fpm.stop();
      await tracing?.shutdown();
    },
  };
}
