/**
 * The HTML report: one self-contained file with its charts drawn as inline SVG, so it opens from
 * a mail attachment or an air-gapped host with no script or network fetch (a charting library
 * would need one or the other, and a bar chart is a few rectangles).
 */
import type { CountRow, Report } from './report.js';
import { configuredCell, describeSeconds, formatBytes, hasConfigured, pct } from './render-table.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const num = (n: number | undefined): string => (n === undefined ? '-' : String(n));

function timelineChart(r: Report): string {
  const rows = r.timeline.rows;
  if (rows.length === 0) return '<p>No timestamps in the log.</p>';
  const width = 900;
  const height = 200;
  const peak = Math.max(1, ...rows.map((t) => t.requests));
  const w = width / rows.length;
  const bars = rows
    .map((t, i) => {
      const h = (t.requests / peak) * (height - 20);
      const e = (t.errors / peak) * (height - 20);
      const title = `<title>${esc(t.start)}: ${t.requests} requests, ${t.errors} 5xx</title>`;
      return (
        `<rect class="req" x="${(i * w).toFixed(2)}" y="${(height - h).toFixed(2)}" width="${Math.max(w - 1, 1).toFixed(2)}" height="${h.toFixed(2)}">${title}</rect>` +
        (e > 0 ? `<rect class="err" x="${(i * w).toFixed(2)}" y="${(height - e).toFixed(2)}" width="${Math.max(w - 1, 1).toFixed(2)}" height="${e.toFixed(2)}"/>` : '')
      );
    })
    .join('');
  return (
    `<svg role="img" aria-label="requests over time" viewBox="0 0 ${width} ${height}" width="100%">${bars}</svg>` +
    `<p class="axis">${esc(rows[0]?.start ?? '')} to ${esc(rows[rows.length - 1]?.start ?? '')}, one bar per ${describeSeconds(r.timeline.bucketSeconds)}; 5xx in red; peak ${peak}</p>`
  );
}

function barChart(label: string, rows: readonly CountRow[]): string {
  if (rows.length === 0) return '';
  const peak = Math.max(1, ...rows.map((x) => x.requests));
  const rowHeight = 22;
  const bars = rows
    .map((x, i) => {
      const w = (x.requests / peak) * 600;
      return (
        `<text x="0" y="${i * rowHeight + 15}">${esc(x.key.slice(0, 40))}</text>` +
        `<rect class="req" x="300" y="${i * rowHeight + 3}" width="${w.toFixed(2)}" height="16"/>` +
        `<text x="${(305 + w).toFixed(2)}" y="${i * rowHeight + 15}">${x.requests} (${pct(x.share)})</text>`
      );
    })
    .join('');
  return `<svg role="img" aria-label="${esc(label)}" viewBox="0 0 1000 ${rows.length * rowHeight}" width="100%">${bars}</svg>`;
}

function htmlTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td${i === 0 ? ' class="key"' : ''}>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

/** A table of counted keys: key, requests, share. */
function countHtmlTable(keyHead: string, rows: readonly CountRow[]): string {
  return htmlTable([keyHead, 'requests', 'share'], rows.map((x) => [x.key, String(x.requests), pct(x.share)]));
}

export function renderHtml(r: Report): string {
  const s = r.summary;
  const l = r.latency;
  const configured = hasConfigured(r.routes) || hasConfigured(r.ranking);
  const configuredHead = configured ? ['configured route'] : [];
  const configuredCells = (x: Report['routes'][number] | Report['ranking'][number]): string[] =>
    configured ? [configuredCell(x.configuredRoutes, x.requests)] : [];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>switchyard logs report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:right;border-bottom:1px solid #ddd}td.key,th:first-child{text-align:left;max-width:40rem;overflow-wrap:anywhere}
rect.req{fill:#3b73b9}rect.err{fill:#c0392b}svg text{font-size:12px}.axis{color:#666;font-size:12px}
</style></head><body>
<h1>Access-log report</h1>
<p>${s.requests} requests, ${s.malformed} malformed lines, ${esc(formatBytes(s.bytes))} sent, ${s.uniqueClients} clients, ${s.uniquePaths} paths in ${s.routePatterns} route patterns.
Inputs: ${esc(s.inputs.join(', '))}.${s.skipped.length > 0 ? ` Skipped, not access logs: ${esc(s.skipped.map((x) => x.input).join(', '))}.` : ''}${r.estimated ? ' <strong>Counts are estimates</strong> (a table outgrew --max-keys).' : ''} ${s.from === undefined ? '' : `From ${esc(s.from)} to ${esc(s.to ?? '')}.`}</p>
<h2>Requests over time</h2>
${timelineChart(r)}
<h2>Status codes</h2>
${barChart('status codes', r.statuses)}
<h2>Latency</h2>
${l === undefined ? '<p>The log has no request-time field.</p>' : htmlTable(['requests', 'mean ms', 'p50', 'p90', 'p95', 'p99', 'max'], [[l.count, l.meanMs, l.p50Ms, l.p90Ms, l.p95Ms, l.p99Ms, l.maxMs].map(String)])}
<h2>Migration ranking</h2>
<p>Score: requests &times; mean latency &times; (1 + 4 &times; 5xx rate), top route = 100.</p>
${htmlTable(['route', ...configuredHead, 'score', 'requests', 'mean ms', 'p95 ms', '5xx'], r.ranking.map((x) => [x.key, ...configuredCells(x), x.score.toFixed(1), String(x.requests), num(x.meanMs), num(x.p95Ms), pct(x.errorRate)]))}
<h2>Route patterns</h2>
${htmlTable(['route', ...configuredHead, 'requests', 'share', '5xx', 'p50 ms', 'p95 ms', 'p99 ms'], r.routes.map((x) => [x.key, ...configuredCells(x), String(x.requests), pct(x.share), pct(x.errorRate), num(x.latency?.p50Ms), num(x.latency?.p95Ms), num(x.latency?.p99Ms)]))}
<h2>Top clients</h2>
${barChart('top clients', r.clients)}
<h2>Top paths</h2>
${htmlTable(['path', 'requests', 'share', 'bytes'], r.paths.map((p) => [p.key, String(p.requests), pct(p.share), formatBytes(p.bytes)]))}
<h2>Top user agents</h2>
${countHtmlTable('user agent', r.userAgents)}
<h2>Top referrers</h2>
${countHtmlTable('referrer', r.referrers)}
<h2>Methods</h2>
${countHtmlTable('method', r.methods)}
${r.malformed.count === 0 ? '' : `<h2>Malformed lines (${r.malformed.count})</h2>\n${htmlTable(['input', 'line', 'text'], r.malformed.samples.map((m) => [m.input, String(m.line), m.text]))}`}
</body></html>
`;
}
