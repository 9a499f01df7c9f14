/**
 * `npm run bench:proto`: Switchyard against buf on the same trees in the same run, each command
 * a fresh process (what a pre-commit hook or CI step pays): lint and breaking on a generated
 * tree of 500 files, and lint on googleapis (its common protos, about a hundred files, and the
 * whole tree of over 7,000) from the google-proto-files devDependency. Prints medians of wall
 * time, CPU time (children included) and peak RSS, with the ratios to buf.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bufBinary } from '../../src/proto/buf-binary.js';
import { generateTree } from './generate-tree.js';
import { COMMON_PROTOS, googleapisSource, linkGoogleapis } from './googleapis-tree.js';
import { measure, median, type Measure } from './measure.js';

const FILES = Number(process.env['BENCH_PROTO_FILES'] ?? 500);
const RUNS = Number(process.env['BENCH_PROTO_RUNS'] ?? 5);
/** The whole googleapis tree takes half a minute a run for each tool; 0 leaves it out. */
const BIG_RUNS = Number(process.env['BENCH_PROTO_GOOGLEAPIS_RUNS'] ?? 3);
const CLI = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));

interface Row {
  readonly name: string;
  readonly cwd: string;
  readonly ours: string[];
  readonly theirs: string[];
  readonly runs: number;
}

/** One warm-up, then `runs` measured runs of each tool, alternating so both see the same load. */
async function compare(row: Row, scratch: string): Promise<{ ours: Measure; theirs: Measure }> {
  const ours: Measure[] = [];
  const theirs: Measure[] = [];
  for (let i = 0; i <= row.runs; i++) {
    const a = await measure([process.execPath, CLI, ...row.ours], row.cwd, scratch);
    const b = await measure([bufBinary(), ...row.theirs], row.cwd, scratch);
    if (i === 0) continue;
    ours.push(a);
    theirs.push(b);
  }
  const med = (ms: Measure[]): Measure => ({ wallMs: median(ms.map((m) => m.wallMs)), cpuMs: median(ms.map((m) => m.cpuMs)), rssMb: median(ms.map((m) => m.rssMb)), findings: ms[0]?.findings ?? 0 });
  return { ours: med(ours), theirs: med(theirs) };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-proto-'));
  try {
    await generateTree(join(dir, 'before'), { files: FILES, filesPerPackage: 10, variant: 'before' });
    await generateTree(join(dir, 'after'), { files: FILES, filesPerPackage: 10, variant: 'after' });
    // One buf.yaml both tools read: buf's STANDARD rules (Switchyard's own FIELD_NUMBERS_CONTIGUOUS
    // runs only by default), with v2's categories on both sides.
    const config = 'version: v2\nlint:\n  use: [STANDARD]\n';
    await writeFile(join(dir, 'after', 'buf.yaml'), config);
    const rows: Row[] = [
      { name: `lint, generated (${FILES} files)`, cwd: dir, ours: ['proto', 'lint', 'after'], theirs: ['lint', 'after'], runs: RUNS },
      { name: `breaking, generated (${FILES})`, cwd: dir, ours: ['proto', 'breaking', 'after', '--against', 'before'], theirs: ['breaking', 'after', '--against', 'before'], runs: RUNS },
    ];
    const source = googleapisSource();
    if (source === undefined) console.log('google-proto-files is not installed (npm install): the googleapis rows are left out');
    else {
      await linkGoogleapis(source, join(dir, 'common'), COMMON_PROTOS);
      await writeFile(join(dir, 'common', 'buf.yaml'), config);
      rows.push({ name: 'lint, googleapis common', cwd: join(dir, 'common'), ours: ['proto', 'lint', '.'], theirs: ['lint', '.'], runs: RUNS });
      if (BIG_RUNS > 0) {
        await linkGoogleapis(source, join(dir, 'googleapis'));
        await writeFile(join(dir, 'googleapis', 'buf.yaml'), config);
        rows.push({ name: 'lint, googleapis whole', cwd: join(dir, 'googleapis'), ours: ['proto', 'lint', '.'], theirs: ['lint', '.'], runs: BIG_RUNS });
      }
    }
    console.log(`proto benchmark: medians, each run a fresh process; CPU is user + system, children included`);
    console.log('case                           wall: switchyard / buf         CPU: switchyard / buf        RSS MB     findings');
    for (const row of rows) {
      const { ours, theirs } = await compare(row, dir);
      const pair = (a: number, b: number): string => `${a.toFixed(0).padStart(7)} /${b.toFixed(0).padStart(6)} ms ${(a / b).toFixed(2).padStart(5)}x`;
      console.log(
        `${row.name.padEnd(30)} ${pair(ours.wallMs, theirs.wallMs)}   ${pair(ours.cpuMs, theirs.cpuMs)}   ${`${ours.rssMb.toFixed(0)}/${theirs.rssMb.toFixed(0)}`.padStart(9)} ${`${ours.findings}/${theirs.findings}`.padStart(12)}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
