/**
 * Router benchmark (`npm run bench:router`): lookups per second with 10 and with 10,000 routes,
 * and the ratio between the two, for hits, misses (404) and wrong methods (405), with the same
 * hits on find-my-way alone as the baseline.
 *
 * Two request mixes, because they answer two questions:
 * - "same paths": the very same requests (those of the 10-route table, which the 10,000-route
 *   table contains too) against both tables. Only the size of the table differs, so the ratio
 *   shows whether a lookup does more work when there are more routes (it should be ~1).
 * - "spread": requests spread evenly over every route of each table (4,096 distinct ones for
 *   10,000 routes). This adds the cost of touching cold tree nodes all over memory, which grows
 *   with the working set, not with the algorithm; real traffic is usually far more skewed.
 * Each measurement runs in a fresh process, so one measurement's JIT state (inline caches made
 * megamorphic by 10,000 routes) does not leak into the next, for a fixed time (`--seconds`,
 * default 0.3, at most 5; best of five slices) after a warm-up, three times per cell with the
 * sizes alternating: the whole run takes under a minute.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Router } from '../../src/router/index.js';
import { bareTree } from './bare-tree.js';
import { workload, type Request, type Workload } from './routes.js';

const SIZES = [10, 10_000] as const;
/** [key, label, requests, expected lookup kind] */
const CASES = [
  ['hits', 'hit', 'hits', 'found'],
  ['misses', 'miss (404)', 'misses', 'not-found'],
  ['wrongMethod', '405', 'wrongMethod', 'method-not-allowed'],
  ['bare', 'hit, find-my-way alone', 'hits', 'found'],
] as const;
type Case = (typeof CASES)[number][0];
const MIXES = ['same paths', 'spread'] as const;
type Mix = (typeof MIXES)[number];

/** Processes per cell of the table, alternating sizes. */
const ROUNDS = 3;
const secondsArg = process.argv.indexOf('--seconds');
const requested = secondsArg === -1 ? 0.3 : Number(process.argv[secondsArg + 1]);
const seconds = Number.isFinite(requested) ? Math.min(5, Math.max(0.05, requested)) : 0.3;

/** A fixed-size batch cycling through the requests, so every measurement does the same loop. */
function batch(requests: readonly Request[], size = 4096): Request[] {
  return Array.from({ length: size }, (_, i) => requests[(i * 7919) % requests.length] as Request);
}

/** Lookups per second of `find` over `requests`, after checking each gives the expected answer. */
function measure(find: (method: string, path: string) => unknown, ok: (method: string, path: string) => boolean, requests: readonly Request[]): number {
  for (const { method, path } of requests) {
    if (!ok(method, path)) throw new Error(`benchmark workload is wrong: ${method} ${path} gave an unexpected answer`);
  }
  const run = (budgetMs: number): number => {
    let ops = 0;
    const start = process.hrtime.bigint();
    const end = start + BigInt(Math.round(budgetMs * 1e6));
    let now = start;
    while (now < end) {
      for (const { method, path } of requests) find(method, path);
      ops += requests.length;
      now = process.hrtime.bigint();
    }
    return ops / (Number(now - start) / 1e9);
  };
  run(seconds * 250); // warm-up: let the JIT settle before counting
  // Best of five slices: on a shared machine, the fastest slice is the one least disturbed.
  return Math.max(...Array.from({ length: 5 }, () => run(seconds * 200)));
}

/** Child process: one measurement, printed as a number. */
function one(size: number, key: Case, mix: Mix): number {
  const [, , requestsKey, expected] = CASES.find(([k]) => k === key) ?? CASES[0];
  const load: Workload = workload(size);
  const requests = batch(mix === 'same paths' ? workload(SIZES[0])[requestsKey] : load[requestsKey]);
  if (key === 'bare') {
    const find = bareTree(load.routes);
    return measure(find, find, requests);
  }
  const router = new Router<number>();
  for (const route of load.routes) router.add(route);
  return measure((m, p) => router.find(m, p), (m, p) => router.find(m, p).kind === expected, requests);
}

function table(): void {
  for (const size of SIZES) {
    const router = new Router<number>();
    const t0 = process.hrtime.bigint();
    for (const route of workload(size).routes) router.add(route);
    console.log(`${router.size} routes loaded in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1)} ms`);
  }
  const self = fileURLToPath(import.meta.url);
  const fmt = (n: number): string => `${(n / 1e6).toFixed(2)} M/s`;
  console.log(`\n${'lookup'.padEnd(36)}${'10 routes'.padStart(12)}${'10,000 routes'.padStart(15)}${'ratio 10k/10'.padStart(14)}`);
  for (const [key, label] of CASES) {
    for (const mix of MIXES) {
      // Alternate the two sizes a few times and keep each one's best, so a burst of load from
      // other processes does not land on one side of the ratio only.
      const best = [0, 0];
      for (let round = 0; round < ROUNDS; round++) {
        SIZES.forEach((size, i) => {
          const args = [self, '--one', String(size), key, mix, '--seconds', String(seconds)];
          best[i] = Math.max(best[i] ?? 0, Number(execFileSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 })));
        });
      }
      const [few = 0, many = 0] = best;
      console.log(`${`${label}, ${mix}`.padEnd(36)}${fmt(few).padStart(12)}${fmt(many).padStart(15)}${(many / few).toFixed(2).padStart(14)}`);
    }
  }
}

const oneArg = process.argv.indexOf('--one');
if (oneArg === -1) {
  table();
} else {
  const [size, key, mix] = process.argv.slice(oneArg + 1);
  console.log(one(Number(size), key as Case, mix as Mix));
}
