// Worker threads start before the inputs are opened (scan/early-workers.ts): the scan must adopt
// them and count exactly what one thread counts, and a command that fails or needs fewer threads
// must stop them, not hang on them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../../../src/tools/logs/format/presets.js';
import type { FormatSpec } from '../../../src/tools/logs/format/layout.js';
import { buildReport } from '../../../src/tools/logs/report/build-report.js';
import { EarlyWorkers } from '../../../src/tools/logs/scan/early-workers.js';
import { planJobs, type Input } from '../../../src/tools/logs/scan/plan.js';
import { runPool } from '../../../src/tools/logs/scan/run-pool.js';
import { BIN, fixture, runLogs } from './cli-harness.js';

const settings = { maxSamples: 5, filter: undefined, maxKeys: Infinity };
const combined = (PRESETS['combined'] as () => FormatSpec)();
let dir: string;
let log: string;
let size: number;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-early-'));
  // Sparse: 64 MiB on paper, enough for two threads, and no disk or time spent writing it.
  await writeFile(join(dir, 'big.log'), '');
  await truncate(join(dir, 'big.log'), 64 * 1024 * 1024);
  const text = await readFile(fixture('zanbil_nginx_combined_xff.log'));
  log = join(dir, 'small.log');
  await writeFile(log, text);
  size = text.length;
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reportWith(threads: number, early?: EarlyWorkers) {
  const input: Input = { name: 'small.log', path: log, gzip: false, size, spec: combined };
  const pool = await runPool(planJobs([input], 4, 1), threads, settings, () => {}, early);
  return buildReport(pool.stats, { names: ['small.log'], formats: ['combined'], lines: pool.lines }, { top: 1000, bucketSeconds: 60, collapseThreshold: 20, maxSamples: 5 });
}

test('a worker started before the inputs were opened is adopted and counts like one thread', async () => {
  const early = EarlyWorkers.start(['big.log'], dir, 2, settings);
  try {
    const split = await reportWith(2, early);
    assert.deepEqual(early.take(1), [], 'the scan took the waiting worker');
    assert.deepEqual(split, await reportWith(1));
  } finally {
    await early.close();
  }
});

test('no worker starts for small inputs, stdin or missing files', () => {
  for (const names of [['small.log'], ['-'], ['missing.log']]) {
    const early = EarlyWorkers.start(names, dir, 8, settings);
    assert.deepEqual(early.take(8), [], names.join(' '));
  }
});

test('workers nobody takes are stopped by close', async () => {
  const early = EarlyWorkers.start(['big.log', 'big.log', 'big.log'], dir, 4, settings);
  await early.close();
  assert.deepEqual(early.take(4), []);
});

test('a command that fails before its scan exits, leaving no worker running', () => {
  // big.log starts workers and is no access log; nope.log stops the command before any scan.
  const run = spawnSync(process.execPath, [BIN, 'logs', 'big.log', 'nope.log'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.signal, null, 'the process ended by itself');
  assert.equal(run.status, 1);
  assert.match(run.stderr, /no such log file: nope\.log \(SY_ERR_FILE_NOT_FOUND\)/);
});

test('in-process, a failed command leaves no worker to keep the process alive', async () => {
  const run = await runLogs(['big.log', 'nope.log'], '', dir);
  assert.equal(run.code, 1);
});
