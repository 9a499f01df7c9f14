// The migration ranking on a generated log whose traffic, latency and 5xx rate per route are
// known: the order must be the one docs/logs.md's score gives (requests x mean latency x
// (1 + 4 x 5xx rate)). The routes are chosen so that each plausible mistake (error rate ignored
// or weighted 1x, 4xx counted as failures, latency or traffic left out, a percentile instead of
// the mean, ascending order) gives another order; the test checks that of its own data first.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reportOf, runLogs } from './cli-harness.js';

/** One route: how many requests took how long (ms), and which status each group answered. */
interface Group {
  readonly count: number;
  readonly ms: number;
  readonly status: number;
}
const ROUTES: Readonly<Record<string, readonly Group[]>> = {
  '/alpha/{id}': [{ count: 100, ms: 10, status: 200 }], // busy, fast, healthy
  '/beta/{id}': [{ count: 25, ms: 10, status: 200 }, { count: 25, ms: 10, status: 500 }], // half 5xx
  '/gamma/{id}': [{ count: 20, ms: 40, status: 200 }], // rare, slow
  '/delta/{id}': [{ count: 30, ms: 10, status: 200 }, { count: 30, ms: 10, status: 404 }], // half 4xx
  '/epsilon/{id}': [{ count: 36, ms: 5, status: 200 }, { count: 4, ms: 185, status: 200 }], // fast median, slow tail
};

interface Facts {
  readonly requests: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rate5xx: number;
  readonly rate4xx: number;
}

function facts(groups: readonly Group[]): Facts {
  const ms = groups.flatMap((g) => Array<number>(g.count).fill(g.ms)).sort((a, b) => a - b);
  const share = (test: (s: number) => boolean): number => groups.filter((g) => test(g.status)).reduce((n, g) => n + g.count, 0) / ms.length;
  return {
    requests: ms.length,
    meanMs: ms.reduce((a, b) => a + b, 0) / ms.length,
    p50Ms: ms[Math.ceil(ms.length * 0.5) - 1] as number,
    p99Ms: ms[Math.ceil(ms.length * 0.99) - 1] as number,
    rate5xx: share((s) => s >= 500),
    rate4xx: share((s) => s >= 400 && s < 500),
  };
}

const FACTS = new Map(Object.entries(ROUTES).map(([route, groups]) => [route, facts(groups)]));

/** Routes by a score, highest first. */
function orderBy(score: (f: Facts) => number): string[] {
  return [...FACTS].sort((a, b) => score(b[1]) - score(a[1])).map(([route]) => route);
}

const documented = (f: Facts): number => f.requests * f.meanMs * (1 + 4 * f.rate5xx);
const EXPECTED = orderBy(documented);

let dir: string;
let file: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-ranking-'));
  // Lines of all routes interleaved (not one route after another), so that the order routes are
  // first seen in says nothing about their rank.
  const queues = Object.entries(ROUTES).map(([route, groups]) =>
    groups.flatMap((g) => Array.from({ length: g.count }, () => g)).map((g, i) => {
      const path = route.replace('{id}', String(i + 1));
      return `10.0.0.${i % 7} - - [01/Jan/2024:00:00:${String(i % 60).padStart(2, '0')} +0000] "GET ${path} HTTP/1.1" ${g.status} 100 "-" "curl/8" ${(g.ms / 1000).toFixed(3)}`;
    }),
  );
  const lines: string[] = [];
  for (let i = 0; queues.some((q) => i < q.length); i++) for (const q of queues) if (i < q.length) lines.push(q[i] as string);
  file = join(dir, 'ranking.log');
  await writeFile(file, `${lines.join('\n')}\n`);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';

/** Checks that the generated log tells the documented score from each plausible mistake. */
function assertDataDiscriminates(): void {
  assert.deepEqual(EXPECTED, ['/beta/{id}', '/alpha/{id}', '/epsilon/{id}', '/gamma/{id}', '/delta/{id}']);
  const mistakes: Record<string, string[]> = {
    'error rate ignored': orderBy((f) => f.requests * f.meanMs),
    'error rate weighted 1x': orderBy((f) => f.requests * f.meanMs * (1 + f.rate5xx)),
    '4xx counted as failures': orderBy((f) => f.requests * f.meanMs * (1 + 4 * (f.rate5xx + f.rate4xx))),
    'latency left out': orderBy((f) => f.requests * (1 + 4 * f.rate5xx)),
    'traffic left out': orderBy((f) => f.meanMs * (1 + 4 * f.rate5xx)),
    'traffic alone': orderBy((f) => f.requests),
    'p99 instead of the mean': orderBy((f) => f.requests * f.p99Ms * (1 + 4 * f.rate5xx)),
    'p50 instead of the mean': orderBy((f) => f.requests * f.p50Ms * (1 + 4 * f.rate5xx)),
    'sorted ascending': [...EXPECTED].reverse(),
    'sorted by name': [...EXPECTED].sort(),
    'in the order first seen': Object.keys(ROUTES),
  };
  for (const [mistake, order] of Object.entries(mistakes)) assert.notDeepEqual(order, EXPECTED, mistake);
}

test('the migration ranking is in the documented order, with the documented scores', async () => {
  assertDataDiscriminates();
  const r = await reportOf([file, '--format', FORMAT]);
  assert.equal(r.summary.requests, 270);
  assert.deepEqual(r.ranking.map((x: any) => x.key), EXPECTED);
  assert.deepEqual(r.routes.map((x: any) => x.route), EXPECTED, 'the issue-5 routes list is the same ranking');
  const top = documented(FACTS.get(EXPECTED[0] as string) as Facts);
  assert.deepEqual(
    r.ranking.map((x: any) => x.score),
    EXPECTED.map((route) => Math.round((documented(FACTS.get(route) as Facts) / top) * 1000) / 10),
  );
  for (const row of r.ranking) {
    const f = FACTS.get(row.key) as Facts;
    assert.equal(row.requests, f.requests, row.key);
    assert.equal(row.meanMs, f.meanMs, row.key);
    assert.equal(row.errorRate, f.rate5xx, row.key);
  }
});

test('the terminal table lists the ranking in the same order', async () => {
  const run = await runLogs([file, '--format', FORMAT]);
  const section = run.stdout.slice(run.stdout.indexOf('Migration ranking'));
  const keys = section.split('\n').slice(2).map((l) => l.trim().split(/\s+/)[0]).filter((k) => k !== undefined && k.startsWith('/'));
  assert.deepEqual(keys, EXPECTED);
});
