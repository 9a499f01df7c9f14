/**
 * The `from`/`to` of telemetry queries (heatmap, correlation): epoch milliseconds, an ISO 8601
 * time, `now`, or a time relative to now such as `-5m` or `now-90s` (Grafana's spelling). Bad
 * input is reported as a message for a 400, never guessed at.
 */
import { parseDuration } from '../config/units.js';

export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

const DEFAULT_SPAN_MS = 5 * 60_000;

export function parseTimeRange(params: URLSearchParams, now: number): TimeRange | { readonly problem: string } {
  const to = parseInstant(params.get('to'), now, now);
  if (typeof to === 'string') return { problem: `to: ${to}` };
  const from = parseInstant(params.get('from'), now, to - DEFAULT_SPAN_MS);
  if (typeof from === 'string') return { problem: `from: ${from}` };
  if (from >= to) return { problem: `from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})` };
  return { from, to };
}

function parseInstant(value: string | null, now: number, fallback: number): number | string {
  if (value === null || value === '') return fallback;
  if (value === 'now') return now;
  const relative = /^(?:now)?-(.+)$/.exec(value);
  if (relative !== null) {
    const ms = parseDuration(relative[1]);
    return ms === undefined ? `'${value}' is not a duration before now (try -5m)` : now - ms;
  }
  if (/^\d+$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? `'${value}' is not a time (epoch ms, ISO 8601, now, or -5m)` : parsed;
}
