// Cutting a file into ranges for worker threads must read every line exactly once, wherever the
// cuts fall (mid-line, just after a newline, inside a CRLF), and malformed lines must keep their
// line numbers across ranges.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS } from '../../../src/tools/logs/format/presets.js';
import type { FormatSpec } from '../../../src/tools/logs/format/layout.js';
import { buildReport } from '../../../src/tools/logs/report/build-report.js';
import { planJobs, type Input } from '../../../src/tools/logs/scan/plan.js';
import { runPool } from '../../../src/tools/logs/scan/run-pool.js';
import { fixture } from './cli-harness.js';

let dir: string;
let file: string;
let size: number;
const combined = (PRESETS['combined'] as () => FormatSpec)();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'switchyard-logs-split-'));
  const lines = (await readFile(fixture('zanbil_nginx_combined_xff.log'), 'latin1')).split('\n').filter((l) => l !== '');
  lines.splice(499, 0, 'this line is garbage'); // line 500
  // CRLF endings on every other line, as when logs from several hosts are concatenated.
  const text = lines.map((l, i) => (i % 2 === 0 ? `${l}\r\n` : `${l}\n`)).join('');
  file = join(dir, 'split.log');
  await writeFile(file, text, 'latin1');
  size = Buffer.byteLength(text, 'latin1');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reportWith(workers: number, threads: number, minRange: number) {
  const input: Input = { name: 'split.log', path: file, gzip: false, size, spec: combined };
  const jobs = planJobs([input], workers, minRange);
  const pool = await runPool(jobs, threads, { maxSamples: 5, filter: undefined, maxKeys: Infinity }, () => {});
  const report = buildReport(pool.stats, { names: ['split.log'], formats: ['combined'], lines: pool.lines }, { top: 1000, bucketSeconds: 60, collapseThreshold: 20, maxSamples: 5 });
  return { jobs: jobs.length, report };
}

test('one range and hundreds of ranges over two threads give the same report', async () => {
  const whole = await reportWith(1, 1, Infinity);
  assert.equal(whole.jobs, 1);
  assert.equal(whole.report.summary.requests, 1000);
  for (const workers of [13, 97, 400]) {
    const split = await reportWith(workers, 2, 1);
    assert.ok(split.jobs > 10, `${split.jobs} ranges`);
    assert.deepEqual(split.report, whole.report, `cut into ${split.jobs} ranges`);
  }
});

test('a malformed line keeps its line number when it sits in a later range', async () => {
  const split = await reportWith(97, 2, 1);
  assert.equal(split.report.malformed.count, 1);
  assert.deepEqual(split.report.malformed.samples, [{ input: 'split.log', line: 500, text: 'this line is garbage' }]);
});
