// `--output json` in the shape issue 5 gives scripts, read from a real IIS log. The expected
// numbers are computed here from the file's own columns, not by the code under test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture, reportOf } from './cli-harness.js';

const FILE = fixture('lnav_iis_w3c.log');

/** The file's request lines split on spaces (one `#Fields:` layout throughout, checked below). */
function columns(): string[][] {
  const lines = readFileSync(FILE, 'latin1').split('\n').filter((l) => l !== '');
  const fields = new Set(lines.filter((l) => l.startsWith('#Fields:')));
  assert.equal(fields.size, 1);
  return lines.filter((l) => !l.startsWith('#')).map((l) => l.split(' '));
}

test('the issue-5 JSON keys exist with their names, types and units', async () => {
  const rows = columns();
  const r = await reportOf([FILE]);
  assert.equal(r.lines, readFileSync(FILE, 'latin1').split('\n').filter((l) => l !== '').length);
  assert.equal(r.parsed, rows.length);
  assert.equal(r.malformed, 0);
  assert.equal(r.bytes, rows.reduce((n, c) => n + Number(c[14]), 0)); // sc-bytes
  assert.deepEqual(Object.keys(r.top), ['ips', 'paths', 'routes', 'userAgents', 'referrers']);

  const byIp = new Map<string, number>();
  for (const c of rows) byIp.set(c[8] as string, (byIp.get(c[8] as string) ?? 0) + 1);
  const [ip, n] = [...byIp].sort((a, b) => b[1] - a[1])[0] as [string, number];
  assert.deepEqual(r.top.ips[0], { value: ip, count: n });

  const status: Record<string, number> = {};
  for (const c of rows) status[c[11] as string] = (status[c[11] as string] ?? 0) + 1;
  assert.deepEqual(r.status, status);

  // time-taken is in milliseconds; the JSON gives seconds. The maximum is exact.
  const max = Math.max(...rows.map((c) => Number(c[16])));
  assert.equal(r.latency.max, max / 1000);
  assert.ok(r.latency.p50 <= r.latency.p90 && r.latency.p90 <= r.latency.p99 && r.latency.p99 <= r.latency.max);

  assert.ok(r.routes.length > 0);
  for (const route of r.routes) assert.deepEqual(Object.keys(route), ['route', 'count', 'p99', 'errors', 'score']);
  assert.equal(r.routes[0].score, 100, 'the top route of the migration ranking scores 100');
  assert.equal(r.timeline.reduce((sum: number, t: any) => sum + t.count, 0), rows.length);
  assert.match(r.timeline[0].t, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
  assert.equal(r.estimated, false);
  assert.deepEqual(r.samples, { malformed: [] });
});

test('without a duration field latency is null, and malformed lines are sampled under samples', async () => {
  const r = await reportOf([fixture('lnav_edge_missing_ident_fields.log')]);
  assert.equal(r.latency, null);
  assert.equal(r.malformed, 1);
  assert.equal(r.samples.malformed[0].line, 2);
  assert.equal(r.routes[0].p99, null);
});
