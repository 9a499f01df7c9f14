// How inputs are cut into jobs and how many threads scan them: small inputs stay on the main
// thread (a worker's start costs more than it saves there), and the last ranges of a big file
// are short so that no thread waits long for another's last one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FormatSpec } from '../../../src/tools/logs/format/layout.js';
import { planJobs, threadsFor, type Input } from '../../../src/tools/logs/scan/plan.js';

const MiB = 1024 * 1024;
const spec: FormatSpec = { kind: 'json' };
const file = (size: number, gzip = false): Input => ({ name: 'a.log', path: '/logs/a.log', gzip, size, spec });
const stdin: Input = { name: 'stdin', path: undefined, gzip: false, size: 0, spec };

test('threads: one per 32 MiB of input, at most the requested number, never none', () => {
  const cases: [inputs: Input[], requested: number, threads: number][] = [
    [[file(0)], 4, 1],
    [[file(11 * MiB)], 2, 1], // 50,000 lines: the main thread alone is done first
    [[file(40 * MiB)], 2, 1],
    [[file(64 * MiB)], 2, 2],
    [[file(220 * MiB)], 2, 2],
    [[file(220 * MiB)], 16, 6],
    [[file(1100 * MiB)], 1, 1],
    [[file(20 * MiB), file(20 * MiB), file(30 * MiB)], 8, 2],
    [[file(10 * MiB, true)], 4, 2], // gzip counts as the ~8x larger text it inflates to
    [[stdin], 4, 1], // stdin is read on the main thread whatever its size
  ];
  for (const [inputs, requested, threads] of cases) {
    assert.equal(threadsFor(inputs, requested), threads, `${inputs.map((i) => i.size / MiB).join('+')} MiB, --jobs ${requested}`);
  }
});

test('ranges cover a file end to end, in order, and shrink towards its end', () => {
  const size = 220_701_535; // the benchmark's 1,000,000 lines
  const jobs = planJobs([file(size)], 2);
  assert.equal(jobs[0]?.start, 0);
  assert.equal(jobs.at(-1)?.end, size);
  jobs.forEach((job, i) => {
    assert.equal(job.chunk, i);
    if (i > 0) assert.equal(job.start, jobs[i - 1]?.end);
    assert.ok(job.end - job.start <= 8 * MiB);
  });
  const lengths = jobs.map((j) => j.end - j.start);
  assert.equal(lengths[0], 8 * MiB);
  assert.ok(lengths.slice(-3).every((n) => n <= MiB), `last ranges ${lengths.slice(-3).join(', ')} bytes`);
  for (let i = 1; i < lengths.length - 1; i++) assert.ok((lengths[i] as number) <= (lengths[i - 1] as number), 'sizes never grow');
});

test('one thread gets ranges of one size: nobody waits for its last one', () => {
  const jobs = planJobs([file(220 * MiB)], 1);
  assert.ok(jobs.slice(0, -1).every((j) => j.end - j.start === 8 * MiB));
});

test('a gzip file is one job, and the file after it is still cut into ranges', () => {
  const jobs = planJobs([file(5 * MiB, true), file(100 * MiB)], 2);
  assert.deepEqual([jobs[0]?.start, jobs[0]?.end, jobs[0]?.gzip], [0, Infinity, true]);
  assert.ok(jobs.length > 5);
  assert.equal(jobs.at(-1)?.end, 100 * MiB);
});
