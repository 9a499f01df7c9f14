/**
 * `npm run bench:proto`: lint and breaking-change checks on a generated tree of 500 `.proto`
 * files, Switchyard against buf on the same tree in the same run, each as a fresh CLI process
 * (what a pre-commit hook or CI step pays). Reports the median of a few runs and the ratio.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { bufBinary } from '../../src/proto/buf-binary.js';
import { generateTree } from './generate-tree.js';

const run = promisify(execFile);
const FILES = Number(process.env['BENCH_PROTO_FILES'] ?? 500);
const RUNS = Number(process.env['BENCH_PROTO_RUNS'] ?? 5);
const CLI = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

/** Runs a command RUNS times (after one warm-up) and returns the median wall time in ms. */
async function median(file: string, args: string[], cwd: string): Promise<{ ms: number; findings: number }> {
  const times: number[] = [];
  let findings = 0;
  for (let i = 0; i <= RUNS; i++) {
    const start = process.hrtime.bigint();
    let stdout = '';
    try {
      // starts: node buf (this benchmark times switchyard against buf)
      ({ stdout } = await run(file, args, { cwd, maxBuffer: 1 << 28 }));
    } catch (err) {
      const failure = err as { code?: number; stdout?: string; stderr?: string };
      // 100 means "findings exist" for both tools.
      if (failure.code !== 100) throw new Error(`${file} ${args.join(' ')}: ${failure.stderr ?? String(err)}`);
      stdout = failure.stdout ?? '';
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i > 0) times.push(ms);
    findings = stdout.split('\n').filter((l) => l !== '').length;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] ?? 0, findings };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-proto-'));
  try {
    await generateTree(join(dir, 'before'), { files: FILES, filesPerPackage: 10, variant: 'before' });
    await generateTree(join(dir, 'after'), { files: FILES, filesPerPackage: 10, variant: 'after' });
    // Switchyard also runs the article's FIELD_NUMBERS_CONTIGUOUS by default; compare like with like.
    await writeFile(join(dir, 'after', 'switchyard.proto.yaml'), 'lint:\n  use: [STANDARD]\n');
    const buf = bufBinary();
    const rows = [
      { name: `lint (${FILES} files)`, ours: ['proto', 'lint', 'after'], theirs: ['lint', 'after'] },
      { name: `breaking (${FILES} files)`, ours: ['proto', 'breaking', 'after', '--against', 'before'], theirs: ['breaking', 'after', '--against', 'before'] },
    ];
    console.log(`proto benchmark: median of ${RUNS} runs, each a fresh process`);
    console.log('case                      switchyard       buf    ratio (switchyard/buf)   findings (switchyard/buf)');
    for (const row of rows) {
      const ours = await median(process.execPath, [CLI, ...row.ours], dir);
      const theirs = await median(buf, row.theirs, dir);
      console.log(
        `${row.name.padEnd(24)} ${ours.ms.toFixed(0).padStart(8)} ms ${theirs.ms.toFixed(0).padStart(6)} ms ${(ours.ms / theirs.ms).toFixed(2).padStart(8)}x ${`${ours.findings}/${theirs.findings}`.padStart(24)}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
