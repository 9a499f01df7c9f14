/** The terminal report: one aligned table per section, numbers right-aligned. */
import type { ConfiguredRoute, CountRow, LatencySummary, Report } from './report.js';

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

const int = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
/** A share as a percentage with one decimal. */
export const pct = (f: number): string => `${(f * 100).toFixed(1)}%`;
const ms = (n: number | undefined): string => (n === undefined ? '-' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));

function table(title: string, head: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  if (rows.length === 0) return `${title}\n  (none)\n`;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  // The last left-aligned column (a path) may be long: cap it so numbers stay on the line.
  const line = (cells: readonly string[]): string =>
    '  ' +
    cells
      .map((c, i) => (i < leftColumns ? c.padEnd(Math.min(widths[i] as number, 80)) : c.padStart(widths[i] as number)))
      .join('  ')
      .trimEnd();
  return [title, line(head), ...rows.map(line)].join('\n') + '\n';
}

/** A top-n table of counted keys: key, requests, share. */
function countTable(title: string, keyHead: string, rows: readonly CountRow[]): string {
  return table(title, [keyHead, 'requests', 'share'], rows.map((x) => [x.key, int(x.requests), pct(x.share)]));
}

/**
 * The configured routes that served a route pattern: the one name when it served every request,
 * else the two busiest with their shares of the pattern's requests and how many more there are.
 */
export function configuredCell(list: readonly ConfiguredRoute[], requests: number): string {
  const [only] = list;
  if (only === undefined) return '-';
  if (list.length === 1 && only.requests === requests) return only.route;
  const shown = list.slice(0, 2).map((c) => `${c.route} ${pct(c.requests / requests)}`);
  if (list.length > 2) shown.push(`+${list.length - 2}`);
  return shown.join(', ');
}

/** Whether the log named the gateway's routes, so that the tables give them a column. */
export function hasConfigured(rows: readonly { readonly configuredRoutes: readonly ConfiguredRoute[] }[]): boolean {
  return rows.some((x) => x.configuredRoutes.length > 0);
}

function latencyCells(l: LatencySummary | undefined): string[] {
  return [ms(l?.p50Ms), ms(l?.p95Ms), ms(l?.p99Ms)];
}

export function renderTable(r: Report): string {
  const s = r.summary;
  const out: string[] = [];
  const span = s.from === undefined ? '' : `, ${s.from.slice(0, 16).replace('T', ' ')} to ${(s.to ?? '').slice(0, 16).replace('T', ' ')} UTC`;
  out.push(
    `${int(s.requests)} requests, ${int(s.malformed)} malformed, ${s.filtered > 0 ? `${int(s.filtered)} filtered out, ` : ''}${formatBytes(s.bytes)} sent, ${int(s.uniqueClients)} clients, ` +
      `${int(s.uniquePaths)} paths in ${int(s.routePatterns)} route patterns${span}\n` +
      `inputs: ${s.inputs.join(', ')} (${[...new Set(s.formats)].join(', ')})\n` +
      (s.skipped.length > 0 ? `skipped, not access logs: ${s.skipped.map((x) => x.input).join(', ')}\n` : '') +
      (r.estimated ? 'counts are estimates: a table outgrew --max-keys; top entries may be over by a little, distinct counts are at least\n' : ''),
  );
  out.push(countTable('Top clients', 'client', r.clients));
  out.push(table('Top paths', ['path', 'requests', 'share', 'bytes'], r.paths.map((p) => [p.key, int(p.requests), pct(p.share), formatBytes(p.bytes)])));
  const hasLatency = r.latency !== undefined;
  // The gateway's own log names the route each request matched: a column beside the pattern.
  const configured = hasConfigured(r.routes) || hasConfigured(r.ranking);
  const configuredHead = configured ? ['configured route'] : [];
  out.push(
    table(
      'Top route patterns',
      ['route', ...configuredHead, 'requests', 'share', '5xx', ...(hasLatency ? ['p50 ms', 'p95 ms', 'p99 ms'] : [])],
      r.routes.map((x) => [
        x.key,
        ...(configured ? [configuredCell(x.configuredRoutes, x.requests)] : []),
        int(x.requests), pct(x.share), pct(x.errorRate), ...(hasLatency ? latencyCells(x.latency) : []),
      ]),
      configured ? 2 : 1,
    ),
  );
  out.push(countTable('Status codes', 'status', r.statuses));
  if (r.userAgents.length > 0) out.push(countTable('Top user agents', 'user agent', r.userAgents));
  if (r.referrers.length > 0) out.push(countTable('Top referrers', 'referrer', r.referrers));
  out.push(countTable('Methods', 'method', r.methods));
  if (r.latency !== undefined) {
    const l = r.latency;
    out.push(
      table('Latency (ms)', ['requests', 'mean', 'p50', 'p90', 'p95', 'p99', 'max'], [
        [int(l.count), ms(l.meanMs), ms(l.p50Ms), ms(l.p90Ms), ms(l.p95Ms), ms(l.p99Ms), ms(l.maxMs)],
      ], 0),
    );
  } else {
    out.push('Latency\n  (the log has no request-time field; add $request_time or %D to the format to get percentiles)\n');
  }
  const peak = Math.max(1, ...r.timeline.rows.map((t) => t.requests));
  out.push(
    table(
      `Requests over time (per ${describeSeconds(r.timeline.bucketSeconds)})`,
      ['start (UTC)', 'requests', '5xx', ''],
      r.timeline.rows.map((t) => [t.start.slice(0, 16).replace('T', ' '), int(t.requests), int(t.errors), '#'.repeat(Math.round((t.requests / peak) * 40))]),
    ),
  );
  out.push(
    table(
      'Migration ranking (requests x mean latency x (1 + 4 x 5xx rate), top = 100)',
      ['route', ...configuredHead, 'score', 'requests', 'mean ms', 'p95 ms', '5xx'],
      r.ranking.map((x) => [
        x.key,
        ...(configured ? [configuredCell(x.configuredRoutes, x.requests)] : []),
        x.score.toFixed(1), int(x.requests), ms(x.meanMs), ms(x.p95Ms), pct(x.errorRate),
      ]),
      configured ? 2 : 1,
    ),
  );
  if (r.malformed.count > 0) {
    out.push(
      `Malformed lines: ${int(r.malformed.count)}` +
        (r.malformed.samples.length > 0 ? ` (first ${r.malformed.samples.length})` : '') +
        '\n' +
        r.malformed.samples.map((m) => `  ${m.input}:${m.line}: ${m.text.slice(0, 160)}\n`).join(''),
    );
  }
  return out.join('\n');
}

export function describeSeconds(s: number): string {
  if (s % 86400 === 0) return s === 86400 ? 'day' : `${s / 86400} days`;
  if (s % 3600 === 0) return s === 3600 ? 'hour' : `${s / 3600} hours`;
  if (s % 60 === 0) return s === 60 ? 'minute' : `${s / 60} minutes`;
  return `${s} s`;
}
