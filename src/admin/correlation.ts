/**
 * `GET /admin/correlation?from=...&to=...&limit=20`: the slowest requests of the window, each
 * with what overlapped it on the pause timeline (gateway GC pauses and event-loop stalls,
 * php-fpm saturation, slowlog entries) and a verdict: `gateway-paused`, `php-fpm-saturated`,
 * `upstream-slow`, or `gateway` when no tier explains a third of its time. A summary counts
 * the verdicts, so "the tail is PHP-FPM's" reads at a glance.
 */
import { SwitchyardError } from '../errors.js';
import { correlate, type Verdict } from '../telemetry/pauses/correlate.js';
import { nowMs } from '../telemetry/pauses/pause-timeline.js';
import { parseTimeRange } from '../telemetry/time-range.js';
import { sendJson, type AdminEndpoint } from './endpoint.js';
import { requireTelemetry } from './metrics.js';

export const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 500;

export const correlationEndpoint: AdminEndpoint = {
  method: 'GET',
  path: '/admin/correlation',
  async handle(exchange, context) {
    const { slowRequests, timeline } = requireTelemetry(context);
    const params = new URLSearchParams(exchange.query);
    const range = parseTimeRange(params, nowMs());
    if ('problem' in range) throw new SwitchyardError('SY_ERR_ADMIN_BAD_QUERY', range.problem);
    const limitRaw = params.get('limit');
    const limit = limitRaw === null ? DEFAULT_LIMIT : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new SwitchyardError('SY_ERR_ADMIN_BAD_QUERY', `limit must be a whole number from 1 to ${MAX_LIMIT}, not '${limitRaw}'`);
    const requests = slowRequests.slowest(range.from, range.to, limit);
    const earliest = Math.min(range.from, ...requests.map((r) => r.start));
    const events = timeline.between(earliest, range.to);
    const report = requests.map((r) => correlate(r, events));
    const summary: Record<Verdict, number> = { 'gateway-paused': 0, 'php-fpm-saturated': 0, 'upstream-slow': 0, gateway: 0 };
    for (const r of report) summary[r.verdict]++;
    sendJson(exchange.res, 200, {
      from: range.from,
      to: range.to,
      summary,
      requests: report,
      events: events.filter((e) => e.start >= range.from || e.end >= range.from),
    });
  },
};
