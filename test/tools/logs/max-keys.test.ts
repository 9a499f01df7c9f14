// --max-keys: past the cap a table counts new keys in a Space-Saving sketch. On a skewed log
// whose heavy keys first appear after the tables are full, the top entries must still be the
// right ones, in order, with counts no more than total / capacity over the truth.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../../../src/tools/logs/format/presets.js';
import type { FormatSpec } from '../../../src/tools/logs/format/layout.js';
import { buildReport } from '../../../src/tools/logs/report/build-report.js';
import { toJson } from '../../../src/tools/logs/report/render-json.js';
import { planJobs } from '../../../src/tools/logs/scan/plan.js';
import { runPool } from '../../../src/tools/logs/scan/run-pool.js';
import { reportOf, runLogs } from './cli-harness.js';

const CAP = 100;
const HEAVY: [ip: string, path: string, agent: string, n: number][] = [
  ['192.0.2.1', '/hot/one', 'agent-one', 500],
  ['2001:db8::2', '/hot/two', 'agent-two', 300],
  ['192.0.2.3', '/hot/three', 'agent-three', 200],
];
let dir: string;
let file: string;
let total = 0;

const line = (ip: string, path: string, agent: string): string =>
  `${ip} - - [01/Nov/2026:10:00:00 +0000] "GET ${path} HTTP/1.1" 200 10 "-" "${agent}"\n`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-maxkeys-'));
  const out: string[] = [];
  let single = 0;
  const singles = (n: number): void => {
    for (let i = 0; i < n; i++, single++) out.push(line(`10.${(single >> 8) & 255}.${single & 255}.7`, `/cold/${single}x`, `agent-${single}`));
  };
  singles(3 * CAP); // every table is full before a heavy key shows up
  const queue = HEAVY.flatMap(([ip, path, agent, n]) => Array.from({ length: n }, () => line(ip, path, agent)));
  // Spread the heavy lines among 3,000 more distinct ones, deterministically.
  for (let i = 0; i < queue.length; i++) {
    out.push(queue[(i * 7919) % queue.length] as string);
    singles(3);
  }
  total = out.length;
  file = join(dir, 'skewed.log');
  await writeFile(file, out.join(''));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function assertTop(r: Record<string, any>, section: 'ips' | 'paths' | 'userAgents', column: 0 | 1 | 2): void {
  const top = r.top[section].slice(0, 3) as { value: string; count: number }[];
  assert.deepEqual(top.map((t) => t.value), HEAVY.map((h) => h[column]), section);
  top.forEach((t, i) => {
    const truth = (HEAVY[i] as (typeof HEAVY)[number])[3];
    assert.ok(t.count >= truth && t.count <= truth + total / CAP, `${section} ${t.value}: ${t.count} for ${truth}`);
  });
}

test('a small --max-keys keeps the heavy hitters on top and says the counts are estimates', async () => {
  const r = await reportOf([file, '--max-keys', String(CAP)]);
  assert.equal(r.estimated, true);
  assert.equal(r.parsed, total, 'every line is still counted');
  assertTop(r, 'ips', 0);
  assertTop(r, 'paths', 1);
  assertTop(r, 'userAgents', 2);
  const table = (await runLogs([file, '--max-keys', String(CAP)])).stdout;
  assert.match(table, /^counts are estimates/m);
});

test('under the cap counts are exact and not marked as estimates', async () => {
  const r = await reportOf([file]);
  assert.equal(r.estimated, false);
  assert.deepEqual(r.top.ips.slice(0, 3), HEAVY.map(([ip, , , n]) => ({ value: ip, count: n })));
  assert.doesNotMatch((await runLogs([file])).stdout, /estimates/);
});

test('threads that each overflow merge their sketches into the same top entries', async () => {
  const spec = (PRESETS['combined'] as () => FormatSpec)();
  const size = (await import('node:fs')).statSync(file).size;
  const jobs = planJobs([{ name: 'skewed.log', path: file, gzip: false, size, spec }], 8, 1);
  assert.ok(jobs.length > 2);
  const pool = await runPool(jobs, 2, { maxSamples: 0, filter: undefined, maxKeys: CAP }, () => {});
  const r = toJson(buildReport(pool.stats, { names: ['skewed.log'], formats: ['combined'], lines: pool.lines }, { top: 10, bucketSeconds: 60, collapseThreshold: 20, maxSamples: 0 }));
  assert.equal(r['estimated'], true);
  assertTop(r, 'ips', 0);
  assertTop(r, 'paths', 1);
});
