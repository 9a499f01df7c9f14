// Top user agents and referrers, from real logs, against counts taken here from the files'
// own quoted fields (nginx combined) and columns (IIS W3C), not by the code under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture, reportOf, runLogs } from './cli-harness.js';

type Top = { value: string; count: number }[];

/** The n most frequent values, count descending then value ascending, as the report orders ties. */
function topOf(values: readonly string[], n = 10): Top {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== '-' && v !== '') counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([value, count]) => ({ value, count }));
}

const ZANBIL = fixture('zanbil_nginx_combined_xff.log');
/** combined + "$http_x_forwarded_for": the referrer and user agent are the 2nd and 3rd quoted fields from the end. */
function zanbilFields(): { agents: string[]; referrers: string[] } {
  const agents: string[] = [];
  const referrers: string[] = [];
  for (const line of readFileSync(ZANBIL, 'utf8').split('\n')) {
    const m = /"([^"]*)" "([^"]*)" "[^"]*"$/.exec(line);
    if (m === null) continue;
    referrers.push(m[1] as string);
    agents.push(m[2] as string);
  }
  assert.equal(agents.length, 1000);
  return { agents, referrers };
}

test('nginx combined: top user agents and referrers match the quoted fields', async () => {
  const { agents, referrers } = zanbilFields();
  const r = await reportOf([ZANBIL]);
  assert.deepEqual(r.top.userAgents, topOf(agents));
  assert.deepEqual(r.top.referrers, topOf(referrers));
  const one = await reportOf([ZANBIL, '--jobs', '1']);
  assert.deepEqual(one.top.userAgents, r.top.userAgents, 'one thread and several agree');
  const piped = await reportOf(['-'], readFileSync(ZANBIL));
  assert.deepEqual(piped.top, r.top, 'stdin reads the same');
});

test('IIS W3C: cs(User-Agent) and cs(Referer) are counted as logged', async () => {
  const file = fixture('lnav_iis_w3c.log');
  const rows = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(' '));
  const r = await reportOf([file, '--top', '5']);
  assert.deepEqual(r.top.userAgents, topOf(rows.map((c) => c[9] as string), 5));
  assert.deepEqual(r.top.referrers, topOf(rows.map((c) => c[10] as string), 5));
});

test('Caddy JSON: the User-Agent request header is counted', async () => {
  const file = fixture('lnav_caddy_json.log');
  const agents = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => {
    const ua = (JSON.parse(l) as { request?: { headers?: Record<string, string[]> } }).request?.headers?.['User-Agent'];
    return ua?.[0] ?? '';
  });
  const r = await reportOf([file, '--top', '3']);
  assert.deepEqual(r.top.userAgents, topOf(agents, 3));
});

test('table, CSV and HTML show the top user agent and referrer', async () => {
  const { agents, referrers } = zanbilFields();
  const ua = (topOf(agents)[0] as Top[number]).value;
  const ref = (topOf(referrers)[0] as Top[number]).value;
  const table = (await runLogs([ZANBIL])).stdout;
  assert.match(table, /^Top user agents$/m);
  assert.match(table, /^Top referrers$/m);
  assert.ok(table.includes(ua) && table.includes(ref));
  const csv = (await runLogs([ZANBIL, '--output', 'csv'])).stdout;
  assert.ok(csv.includes(`user_agent,"${ua}",`) || csv.includes(`user_agent,${ua},`), 'user agent row');
  assert.ok(csv.includes(`referrer,${ref},`), 'referrer row');
  const html = (await runLogs([ZANBIL, '--output', 'html'])).stdout;
  assert.match(html, /<h2>Top user agents<\/h2>/);
  assert.ok(html.includes(ref));
});
