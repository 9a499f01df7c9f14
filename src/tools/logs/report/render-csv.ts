/**
 * CSV output: every section in one table with a `section` column, so a spreadsheet or `grep`
 * can pick a section and the columns stay the same. Fields quoted per RFC 4180 §2.
 */
import type { ConfiguredRoute, Report } from './report.js';

const COLUMNS = ['section', 'key', 'requests', 'share', 'bytes', 'errors', 'error_rate', 'mean_ms', 'p50_ms', 'p95_ms', 'p99_ms', 'score', 'configured_route'] as const;
type Column = (typeof COLUMNS)[number];
type Row = Partial<Record<Column, string | number | undefined>>;

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The configured routes of a route pattern, most requests first, separated by `|`. */
function configured(list: readonly ConfiguredRoute[]): string | undefined {
  return list.length === 0 ? undefined : list.map((c) => c.route).join('|');
}

export function renderCsv(r: Report): string {
  const rows: Row[] = [];
  for (const c of r.clients) rows.push({ section: 'client', key: c.key, requests: c.requests, share: c.share });
  for (const p of r.paths) rows.push({ section: 'path', key: p.key, requests: p.requests, share: p.share, bytes: p.bytes });
  for (const x of r.routes) {
    rows.push({
      section: 'route', key: x.key, requests: x.requests, share: x.share, bytes: x.bytes, errors: x.errors, error_rate: x.errorRate,
      mean_ms: x.latency?.meanMs, p50_ms: x.latency?.p50Ms, p95_ms: x.latency?.p95Ms, p99_ms: x.latency?.p99Ms,
      configured_route: configured(x.configuredRoutes),
    });
  }
  const counted = [['status', r.statuses], ['method', r.methods], ['user_agent', r.userAgents], ['referrer', r.referrers]] as const;
  for (const [section, list] of counted) for (const x of list) rows.push({ section, key: x.key, requests: x.requests, share: x.share });
  for (const t of r.timeline.rows) rows.push({ section: 'time', key: t.start, requests: t.requests, errors: t.errors });
  for (const x of r.ranking) {
    rows.push({
      section: 'ranking', key: x.key, requests: x.requests, error_rate: x.errorRate, mean_ms: x.meanMs, p95_ms: x.p95Ms, score: x.score,
      configured_route: configured(x.configuredRoutes),
    });
  }
  if (r.latency !== undefined) {
    const l = r.latency;
    rows.push({ section: 'latency', key: 'all', requests: l.count, mean_ms: l.meanMs, p50_ms: l.p50Ms, p95_ms: l.p95Ms, p99_ms: l.p99Ms });
  }
  rows.push({ section: 'malformed', key: 'lines', requests: r.malformed.count });
  if (r.estimated) rows.push({ section: 'estimated', key: 'counts' }); // a table outgrew --max-keys
  return [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => cell(row[c])).join(','))].join('\r\n') + '\r\n';
}
